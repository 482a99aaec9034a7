import { describe, expect, it } from 'vitest';
import { PERF_HISTORY, record } from './perf';

describe('viewer timings', () => {
  it('keep the newest entries and stay bounded through hours of playback', () => {
    const list: number[] = [];
    for (let i = 0; i < 8 * 3600; i += 1) record(list, i); // an hour at 8 fps
    expect(list.length).toBe(PERF_HISTORY);
    expect(list[list.length - 1]).toBe(8 * 3600 - 1);
    expect(list[0]).toBe(8 * 3600 - PERF_HISTORY);
  });
});
