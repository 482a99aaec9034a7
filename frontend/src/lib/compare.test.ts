import { describe, expect, it } from 'vitest';
import { differenceFrames, exportBbox, exportUrl, hoursText, pairByValidTime } from './compare';
import type { Frame, FramesResponse } from './types';

const frame = (fh: number, valid: string, run = '20260129_17z'): Frame => ({
  fh, valid_time: valid, tile_url: `/tiles/v3/hrrr/${run}/tmp2m/${fh}/{z}/{x}/{y}.png`, overlays: {},
});
const listing = (model: string, run: string, frames: Frame[]): FramesResponse => ({
  model, run, var: 'tmp2m', units: '°F', kind: 'continuous',
  legend: { palette: 'temperature_f', units: '°F', kind: 'continuous', decimals: 0, stops: [] }, overlays: [], frames,
});

describe('compare: frames paired by valid time', () => {
  const hrrr = [frame(0, '2026-01-29T17:00:00Z'), frame(1, '2026-01-29T18:00:00Z'), frame(4, '2026-01-29T21:00:00Z')];
  const gfs = [frame(6, '2026-01-29T18:00:00Z', '20260129_12z'), frame(9, '2026-01-29T21:00:00Z', '20260129_12z')];

  it('keeps the valid times both sides have, whatever their forecast hours', () => {
    const pairs = pairByValidTime(hrrr, gfs);
    expect(pairs.map((p) => [p.valid_time, p.a.fh, p.b.fh])).toEqual([
      ['2026-01-29T18:00:00Z', 1, 6],
      ['2026-01-29T21:00:00Z', 4, 9],
    ]);
  });

  it('names each difference frame by both concrete frames', () => {
    const pairs = pairByValidTime(hrrr, gfs);
    const frames = differenceFrames(listing('hrrr', '20260129_17z', hrrr), listing('gfs', '20260129_12z', gfs), pairs);
    expect(frames[0]).toEqual({
      fh: 1, valid_time: '2026-01-29T18:00:00Z', overlays: {},
      tile_url: '/tiles/v3/diff/hrrr/20260129_17z/tmp2m/1/gfs/20260129_12z/tmp2m/6/{z}/{x}/{y}.png',
    });
  });
});

describe('export URL', () => {
  it('writes a run of hours as a range, with a step when there is one', () => {
    expect(hoursText([0, 1, 2, 3])).toBe('0-3');
    expect(hoursText([0, 3, 6, 9])).toBe('0-9:3');
    expect(hoursText([1, 2, 5])).toBe('1,2,5');
    expect(hoursText([7])).toBe('7');
  });

  it('clamps the visible box into the canonical grid', () => {
    expect(exportBbox(-150, 10, -120.00001, 45.123456)).toEqual([-134.2083, 20.5643, -120.0001, 45.1234]);
  });

  it('asks for a loop or a trend of what is on screen', () => {
    const bbox: [number, number, number, number] = [-126, 41.5, -116, 49.5];
    const loop = exportUrl({ model: 'hrrr', var: 'tmp2m', frames: { run: '20260129_17z', fhs: [0, 1, 2] }, bbox,
      width: 720, format: 'gif', fps: 4 });
    expect(loop).toBe('/api/v3/export?model=hrrr&var=tmp2m&run=20260129_17z&fhs=0-2'
      + '&bbox=-126.0000%2C41.5000%2C-116.0000%2C49.5000&width=720&format=gif&fps=4');
    const trend = exportUrl({ model: 'hrrr', var: 'tmp2m', frames: { valid_time: '2026-01-29T18:00:00Z', runs: 6 },
      bbox, width: 720, format: 'mp4', fps: 2 });
    expect(trend).toContain('valid_time=2026-01-29T18%3A00%3A00Z&runs=6');
    expect(trend).toContain('format=mp4&fps=2');
  });
});
