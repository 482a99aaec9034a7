import { describe, expect, it } from 'vitest';
import { chartData, formatValue, METEOGRAM_VARS, modelsOutside, timeRange, valueRange, type ChartData } from './meteogram';
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

/** HRRR temperature and an all-zero precipitation line (a dry point): the series of a dry day. */
const PRECIPITATION: SeriesResponse = {
  lat: 45.5,
  lon: -122.6,
  series: [
    RESPONSE.series[2],
    { model: 'gfs', run: '20260129_12z', var: 'precip_total', units: 'in',
      points: [['2026-01-29T13:00:00Z', 0], ['2026-01-29T15:00:00Z', 0], ['2026-01-29T18:00:00Z', 0],
        ['2026-01-29T21:00:00Z', null]] },
  ],
};

const t = (iso: string) => Date.parse(iso) / 1000;

describe('meteogram data', () => {
  it('asks the series route for the six meteogram variables', () => {
    expect(METEOGRAM_VARS).toEqual(['tmp2m', 'dp2m', 'precip_total', 'snowfall_total', 'wspd10m', 'wgst10m']);
  });

  it('puts every model on one time axis of the hours that have values, null where a model has none', () => {
    const [temperature] = chartData(RESPONSE);
    expect(temperature.panel.id).toBe('temperature');
    expect(temperature.times).toEqual(['12:00', '15:00', '17:00', '18:00'].map((h) => t(`2026-01-29T${h}:00Z`)));
    const byKey = Object.fromEntries(temperature.lines.map((l) => [`${l.model}/${l.var}`, l]));
    expect(byKey['hrrr/tmp2m'].values).toEqual([null, null, 41.2, 42.5]);
    expect(byKey['gfs/tmp2m'].values).toEqual([38.0, 40.0, null, 43.0]);
    expect(byKey['hrrr/dp2m'].values).toEqual([null, null, 30.1, null]);
  });

  it('ends the time axis at the last published hour, not at the last planned one', () => {
    const planned = Array.from({ length: 129 }, (_, i) => new Date(Date.UTC(2026, 0, 29, 12 + 3 * i)).toISOString());
    const gfs: SeriesResponse = { lat: 45.5, lon: -122.6, series: [{ model: 'gfs', run: '20260129_12z', var: 'tmp2m',
      units: '°F', points: planned.map((iso, i) => [iso, i < 12 ? 40 + i : null]) }] };
    const [temperature] = chartData(gfs);
    expect(timeRange([temperature], null)).toEqual([t('2026-01-29T12:00:00Z'), t('2026-01-30T21:00:00Z')]);
  });

  it('shares one time range across the panels and keeps the map hour in it', () => {
    const charts = chartData(PRECIPITATION);
    const [first, last] = [t('2026-01-29T12:00:00Z'), t('2026-01-29T18:00:00Z')];
    expect(charts.map((c) => c.panel.id)).toEqual(['temperature', 'precipitation']);
    expect(timeRange(charts, t('2026-01-29T15:00:00Z'))).toEqual([first, last]);
    expect(timeRange(charts, t('2026-01-29T23:00:00Z'))).toEqual([first, t('2026-01-29T23:00:00Z')]);
  });

  it('gives a run with one published hour an axis an hour either side of it', () => {
    const one = chartData({ ...RESPONSE, series: [RESPONSE.series[1]] });
    expect(timeRange(one, null)).toEqual([t('2026-01-29T16:00:00Z'), t('2026-01-29T18:00:00Z')]);
  });

  it('fits the precipitation axis to near-zero amounts: 0 to 0.1 in, not 0 to 100', () => {
    const precipitation = chartData(PRECIPITATION)[1];
    expect(valueRange(precipitation)).toEqual([0, 0.1]);
    const wet = { ...precipitation, lines: [{ ...precipitation.lines[0], values: [0, 0.4, 1.2] }] };
    expect(valueRange(wet)[0]).toBe(0);
    expect(valueRange(wet)[1]).toBeCloseTo(1.32);
  });

  it('centres a flat temperature line in a span of at least 10 °F', () => {
    const flat: ChartData = { ...chartData(RESPONSE)[0], lines: [{ ...chartData(RESPONSE)[0].lines[0], values: [32, 32] }] };
    expect(valueRange(flat)).toEqual([27, 37]);
    const [low, high] = valueRange(chartData(RESPONSE)[0]);
    expect(low).toBeLessThan(30.1);
    expect(high).toBeGreaterThan(43.0);
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
