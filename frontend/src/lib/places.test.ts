import { describe, expect, it } from 'vitest';
import { labelsByDefault, labelValue, MAX_LABELS, minPopulation, PLACES, placesInView } from './places';

describe('city labels', () => {
  it('bundle a list of populated places with population, most populous first', () => {
    expect(PLACES.length).toBeGreaterThan(1000);
    expect(PLACES[0]).toMatchObject({ name: 'New York City' });
    expect(PLACES.find((p) => p.name === 'Seattle')).toMatchObject({ lat: 47.6062, lon: -122.3321 });
    for (let i = 1; i < PLACES.length; i += 1) expect(PLACES[i].population).toBeLessThanOrEqual(PLACES[i - 1].population);
  });

  it('thin by population as the map zooms out', () => {
    const conus: [number, number, number, number] = [-127, 22, -64, 52];
    const far = placesInView(conus, 3.5);
    const near = placesInView(conus, 5.5);
    expect(far.length).toBeGreaterThan(5);
    expect(far.length).toBeLessThan(near.length);
    expect(far.every((p) => p.population >= minPopulation(3.5))).toBe(true);
  });

  it('keep only places inside the view, never more than one batch request holds', () => {
    const pnw: [number, number, number, number] = [-126, 41, -110, 50];
    const shown = placesInView(pnw, 9);
    expect(shown.map((p) => p.name)).toContain('Portland');
    expect(shown.every((p) => p.lon >= -126 && p.lon <= -110 && p.lat >= 41 && p.lat <= 50)).toBe(true);
    expect(placesInView([-180, -90, 180, 90], 12).length).toBe(MAX_LABELS);
  });

  it('show values as a map reader expects them', () => {
    expect(labelValue(41.6, '°F')).toBe('42°');
    expect(labelValue(0.254, 'in')).toBe('0.25 in');
    expect(labelValue(17.4, 'mph')).toBe('17 mph');
    expect(labelValue(null, '°F')).toBe('');
  });

  it('are on by default for temperature-like variables only', () => {
    expect(labelsByDefault('°F')).toBe(true);
    expect(labelsByDefault('dBZ')).toBe(false);
  });
});
