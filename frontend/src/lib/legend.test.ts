import { describe, expect, it } from 'vitest';
import { legendBar, MIN_TICK_GAP } from './legend';
import type { Legend } from './types';

const PRECIP: Legend = { palette: 'precip_in', units: 'in', kind: 'continuous', stops: [0.01, 0.1, 0.25, 0.5, 0.75, 1,
  1.5, 2, 3, 4, 6, 10].map((value, i) => ({ value, color: `#0000${(i * 16).toString(16).padStart(2, '0')}` })) };

const TEMPERATURE: Legend = { palette: 'temperature_f', units: '°F', kind: 'continuous', stops: [
  { value: 0, color: '#3b2ca8' }, { value: 20, color: '#3d8fef' }, { value: 32, color: '#a6d8ff' },
  { value: 32, color: '#1b7837', label: '32°F' }, { value: 50, color: '#c2e36b' }, { value: 100, color: '#8b0000' }] };

const REFLECTIVITY: Legend = { palette: 'reflectivity_dbz', units: 'dBZ', kind: 'stepped', stops: [
  { value: 5, color: '#04e9e7' }, { value: 10, color: '#019ff4' }, { value: 15, color: '#0300f4' }] };

describe('legend colour bar', () => {
  it('gives every band of a non-linear scale room: ticks never crowd, the ends are labelled', () => {
    const { ticks } = legendBar(PRECIP);
    expect(ticks[0]).toEqual({ pos: 0, text: '0.01' });
    expect(ticks[ticks.length - 1]).toEqual({ pos: 100, text: '10' });
    ticks.slice(1).forEach((t, i) => expect(t.pos - ticks[i].pos).toBeGreaterThanOrEqual(MIN_TICK_GAP));
    expect(ticks.length).toBeGreaterThanOrEqual(6);
  });

  it('breaks sharply at 32 °F and labels the break', () => {
    const bar = legendBar(TEMPERATURE);
    expect(bar.background).toContain('#a6d8ff 50.00%, #1b7837 50.00%');
    expect(bar.ticks).toContainEqual({ pos: 50, text: '32°F' });
    expect(bar.ticks.filter((t) => t.pos === 50)).toHaveLength(1);
  });

  it('paints a stepped legend as flat bands, one per stop', () => {
    expect(legendBar(REFLECTIVITY).background).toBe(
      'linear-gradient(to right, #04e9e7 0.00% 33.33%, #019ff4 33.33% 66.67%, #0300f4 66.67% 100.00%)',
    );
  });
});
