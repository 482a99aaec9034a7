import { describe, expect, it } from 'vitest';
import { formatSample } from './readout';
import type { Sample } from './types';

const base: Sample = { model: 'hrrr', run: '20260129_17z', var: 'tmp2m', fh: 1, lat: 45.5, lon: -122.6, value: 34.24,
  units: '°F', valid_time: '2026-01-29T18:00:00Z', method: 'bilinear' };

describe('hover readout text', () => {
  it('shows a value with the decimals its units deserve', () => {
    expect(formatSample(base, 1)).toBe('34.2 °F');
    expect(formatSample({ ...base, var: 'precip_1h', value: 0.254, units: 'in' }, 2)).toBe('0.25 in');
    expect(formatSample({ ...base, var: 'sbcape', value: 1234.6, units: 'J/kg' }, 0)).toBe('1235 J/kg');
  });

  it('shows a class-coded variable as its intensity and type, never the class code', () => {
    const snow = { ...base, var: 'radar_ptype', value: 35, units: 'dBZ', method: 'nearest' as const,
      ptype: 'snow', ptype_label: 'Snow' };
    expect(formatSample(snow, 0)).toBe('35 dBZ snow');
    expect(formatSample({ ...snow, value: 42.4, ptype: 'frzr', ptype_label: 'Freezing rain' }, 0)).toBe('42 dBZ freezing rain');
    expect(formatSample({ ...snow, var: 'ptype_rate', value: 0.12, units: 'in/h' }, 2)).toBe('0.12 in/h snow');
  });
});
