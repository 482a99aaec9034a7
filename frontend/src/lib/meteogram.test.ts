import { describe, expect, it } from 'vitest';
import { chartData, formatValue, METEOGRAM_VARS, modelsOutside } from './meteogram';
import type { SeriesResponse } from './types';

const RESPONSE: SeriesResponse = {
  lat: 45.5,
  lon: -122.6,
  series: [
    { model: 'hrrr', run: '20260129_17z', var: 'tmp2m', units: '°F',
      points: [['2026-01-29T17:00:00Z', 41.2], ['2026-01-29T18:00:00Z', 42.5], ['2026-01-29T19:00:00Z', null]] },
    { model: 'hrrr', run: '20260129_17z', var: 'dp2m', units: '°F',
      points: [['2026-01-29T17:00:00Z', 30.1], ['2026-01-29T18:00:00Z', null], ['2026-01-29T19:00:00Z', null]] },
    { model: 'gfs', run: '20260129_12z', var: 'tmp2m', units: '°F',
      points: [['2026-01-29T12:00:00Z', 38.0], ['2026-01-29T15:00:00Z', 40.0], ['2026-01-29T18:00:00Z', 43.0]] },
    { model: 'gfs', run: '20260129_12z', var: 'wspd10m', units: 'mph', points: [['2026-01-29T12:00:00Z', null]] },
    { model: 'nbm', run: null, var: 'tmp2m', units: '°F', points: [] },
    { model: 'nam', run: '20260129_12z', var: 'tmp2m', units: '°F', points: [], outside: true },
  ],
};

describe('meteogram data', () => {
  it('asks the series route for the six meteogram variables', () => {
    expect(METEOGRAM_VARS).toEqual(['tmp2m', 'dp2m', 'precip_total', 'snowfall_total', 'wspd10m', 'wgst10m']);
  });

  it('puts every model on one time axis, null where a model has no value at that time', () => {
    const [temperature] = chartData(RESPONSE);
    const t = (iso: string) => Date.parse(iso) / 1000;
    expect(temperature.panel.id).toBe('temperature');
    expect(temperature.times).toEqual(
      ['12:00', '15:00', '17:00', '18:00', '19:00'].map((h) => t(`2026-01-29T${h}:00Z`)),
    );
    const byKey = Object.fromEntries(temperature.lines.map((l) => [`${l.model}/${l.var}`, l]));
    expect(byKey['hrrr/tmp2m'].values).toEqual([null, null, 41.2, 42.5, null]);
    expect(byKey['gfs/tmp2m'].values).toEqual([38.0, 40.0, null, 43.0, null]);
    expect(byKey['hrrr/dp2m'].values).toEqual([null, null, 30.1, null, null]);
  });

  it('draws the second variable of a panel dashed in its model colour', () => {
    const lines = chartData(RESPONSE)[0].lines;
    const hrrr = lines.filter((l) => l.model === 'hrrr');
    expect(hrrr.map((l) => [l.var, l.dashed])).toEqual([['tmp2m', false], ['dp2m', true]]);
    expect(new Set(hrrr.map((l) => l.colour)).size).toBe(1);
    expect(lines.find((l) => l.model === 'gfs')!.colour).not.toBe(hrrr[0].colour);
  });

  it('leaves out lines without any value and panels without any line', () => {
    const charts = chartData(RESPONSE);
    expect(charts.map((c) => c.panel.id)).toEqual(['temperature']);
    expect(charts[0].lines.map((l) => l.model)).not.toContain('nbm');
  });

  it('names the models that have no data at the point', () => {
    expect(modelsOutside(RESPONSE)).toEqual(['nam']);
  });

  it('formats legend values with one decimal and a dash for none', () => {
    expect(formatValue(41.25, '°F')).toBe('41.3 °F');
    expect(formatValue(null, 'in')).toBe('–');
  });
});
