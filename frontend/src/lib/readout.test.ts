import { describe, expect, it } from 'vitest';
import { formatSample } from './readout';
import type { Sample } from './types';

const base: Sample = { model: 'hrrr', run: '20260129_17z', var: 'tmp2m', fh: 1, lat: 45.5, lon: -122.6, value: 34.24,
  units: '°F', valid_time: '2026-01-29T18:00:00Z', method: 'bilinear' };

describe('hover readout text', () => {
  it('shows a continuous value with one decimal and its units', () => {
    expect(formatSample(base)).toBe('34.2 °F');
  });

  it('shows radar by precipitation type as dBZ and the type, never the class code', () => {
    const snow = { ...base, var: 'radar_ptype', value: 35, units: 'dBZ', method: 'nearest' as const,
      ptype: 'snow', ptype_label: 'Snow' };
    expect(formatSample(snow)).toBe('35 dBZ snow');
    expect(formatSample({ ...snow, value: 42.4, ptype: 'frzr', ptype_label: 'Freezing rain' })).toBe('42 dBZ freezing rain');
  });
});
