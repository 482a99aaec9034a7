import { describe, expect, it } from 'vitest';
import { labelBox, LABEL_GAP_PX, legendBar, type Tick } from './legend';
import type { Legend } from './types';

const PRECIP: Legend = { palette: 'precip_in', units: 'in', kind: 'continuous', decimals: 2, stops: [0.01, 0.1, 0.25,
  0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 10].map((value, i) => ({ value, color: `#0000${(i * 16).toString(16).padStart(2, '0')}` })) };

const TEMPERATURE: Legend = { palette: 'temperature_f', units: '°F', kind: 'continuous', decimals: 1, stops: [
  { value: 0, color: '#3b2ca8' }, { value: 20, color: '#3d8fef' }, { value: 32, color: '#a6d8ff' },
  { value: 32, color: '#1b7837', label: '32°F' }, { value: 50, color: '#c2e36b' }, { value: 100, color: '#8b0000' }] };

const REFLECTIVITY: Legend = { palette: 'reflectivity_dbz', units: 'dBZ', kind: 'stepped', decimals: 0, stops: [
  { value: 5, color: '#04e9e7' }, { value: 10, color: '#019ff4' }, { value: 15, color: '#0300f4' }] };

// Wide (desktop) and narrow (phone) legend bars, in pixels.
const WIDE = 264;
const NARROW = 150;

function expectNoOverlap(ticks: Tick[], width: number) {
  const placed = ticks.map((t) => labelBox(t, width));
  placed.slice(1).forEach((box, i) => expect(box.left - placed[i].right).toBeGreaterThanOrEqual(LABEL_GAP_PX));
  for (const box of placed) expect(box.left >= 0 && box.right <= width).toBe(true);
}

describe('legend colour bar', () => {
  it('labels the precipitation scale without overlap, ends included, in the wide and the narrow layout', () => {
    for (const width of [WIDE, NARROW]) {
      const { ticks } = legendBar(PRECIP, width);
      expectNoOverlap(ticks, width);
      expect(ticks[0]).toEqual({ pos: 0, text: '0.01', anchor: 'start' });
      expect(ticks[ticks.length - 1]).toEqual({ pos: 100, text: '10', anchor: 'end' });
    }
    expect(legendBar(PRECIP, WIDE).ticks.length).toBeGreaterThan(legendBar(PRECIP, NARROW).ticks.length);
  });

  it('keeps labels apart however narrow the bar, down to the labelled stop alone', () => {
    for (const width of [40, 80, 120, 200, 400]) expectNoOverlap(legendBar(PRECIP, width).ticks, width);
    expect(legendBar(TEMPERATURE, 40).ticks).toEqual([{ pos: 50, text: '32°F', anchor: 'middle' }]);
  });

  it('breaks sharply at 32 °F and labels the break', () => {
    const bar = legendBar(TEMPERATURE, WIDE);
    expect(bar.background).toContain('#a6d8ff 50.00%, #1b7837 50.00%');
    expect(bar.ticks).toContainEqual({ pos: 50, text: '32°F', anchor: 'middle' });
    expect(bar.ticks.filter((t) => t.pos === 50)).toHaveLength(1);
  });

  it('paints a stepped legend as flat bands, one per stop', () => {
    expect(legendBar(REFLECTIVITY, WIDE).background).toBe(
      'linear-gradient(to right, #04e9e7 0.00% 33.33%, #019ff4 33.33% 66.67%, #0300f4 66.67% 100.00%)',
    );
  });
});
