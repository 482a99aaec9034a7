import { describe, expect, it } from 'vitest';
import { formatForecastHour, formatLocal, formatUtc } from './time';

describe('valid-time labels', () => {
  it('show UTC with the weekday and 24 h clock', () => {
    expect(formatUtc('2026-01-29T18:00:00Z')).toBe('Thu, Jan 29, 18:00 UTC');
  });

  it('show the local time with its zone name', () => {
    // ICU versions differ in the space before AM/PM (U+202F or U+0020): compare with plain spaces.
    const plain = (s: string) => s.replace(/\s/gu, ' ');
    expect(plain(formatLocal('2026-01-29T18:00:00Z', 'America/Los_Angeles'))).toBe('Thu, 10:00 AM PST');
    expect(plain(formatLocal('2026-07-01T00:00:00Z', 'America/New_York'))).toBe('Tue, 8:00 PM EDT');
  });

  it('name forecast hours as forecasters do', () => {
    expect([0, 7, 48, 120, 384].map(formatForecastHour)).toEqual(['f00', 'f07', 'f48', 'f120', 'f384']);
  });
});
