import { describe, expect, it } from 'vitest';
import { PREFETCH_AHEAD, PREFETCH_BEHIND, prefetchWindow } from './prefetch';

describe('the prefetch window', () => {
  it('holds the current frame first, then the frames ahead, then a few behind', () => {
    expect(prefetchWindow(209, 10, 3, 2)).toEqual([10, 11, 12, 13, 9, 8]);
  });

  it('is bounded whatever the run length (a GFS run has 209 frames)', () => {
    for (const index of [0, 100, 208]) {
      expect(prefetchWindow(209, index).length).toBe(1 + PREFETCH_AHEAD + PREFETCH_BEHIND);
    }
  });

  it('wraps around the end, as playback does', () => {
    expect(prefetchWindow(49, 48, 2, 1)).toEqual([48, 0, 1, 47]);
  });

  it('holds every frame of a short run once', () => {
    expect(prefetchWindow(2, 0)).toEqual([0, 1]);
    expect(prefetchWindow(0, 0)).toEqual([]);
  });
});
