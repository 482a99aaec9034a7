import { describe, expect, it } from 'vitest';
import { errorFor, NOTHING, valueFor, type Keyed } from './keyed';

const tmp: Keyed<string> = { key: 'frames:hrrr/latest/tmp2m', value: 'tmp2m frames', error: null };

describe('keyed answers', () => {
  it('give the value loaded for the key asked for', () => {
    expect(valueFor(tmp, 'frames:hrrr/latest/tmp2m')).toBe('tmp2m frames');
  });

  it('never give an earlier key\'s value while the new key loads (no old legend under a new label)', () => {
    expect(valueFor(tmp, 'frames:hrrr/latest/refc')).toBeNull();
    expect(valueFor(tmp, null)).toBeNull();
    expect(valueFor(NOTHING, 'frames:hrrr/latest/tmp2m')).toBeNull();
  });

  it('keep errors with the key that failed', () => {
    const failed: Keyed<string> = { key: 'vars:hrrr/20260129_17z', value: null, error: new Error('503') };
    expect(errorFor(failed, 'vars:hrrr/20260129_17z')?.message).toBe('503');
    expect(errorFor(failed, 'vars:hrrr/20260129_18z')).toBeNull();
  });
});
