import fc from 'fast-check';
import { fuzzParameters } from '../../../test/support/fuzz';
import { OCCURRED_AT_MAX_SKEW_MS, occurredAtMs, occurredAtProblem } from './occurred-at.decorator';

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('occurred_at (contract 1.2: bounded)', () => {
  it.each([
    ['2026-12-07T10:00:00Z'],
    ['2026-12-07T10:04:59Z'],
    ['2026-12-07T11:04:00+01:00'],
    ['2026-12-07 09:00:00.123456789-00:00'],
    ['0001-01-01T00:00:00Z'],
    ['2024-02-29T23:59:59Z'],
  ])('should accept %s', (value) => {
    expect(occurredAtProblem(value, NOW)).toBeUndefined();
  });

  it.each([
    ['2026-12-07T24:00:00Z', 'RFC 3339'],
    ['2026-12-07T10:60:00Z', 'RFC 3339'],
    ['2026-12-07T10:00:60Z', 'RFC 3339'],
    ['0000-01-01T00:00:00Z', 'RFC 3339'],
    ['2026-12-07T10:00:00+24:00', 'RFC 3339'],
    ['2025-02-29T00:00:00Z', 'RFC 3339'],
    ['2026-12-07T10:05:01Z', "ahead of the service's clock (now 2026-12-07T10:00:00.000Z)"],
    ['2099-01-01T00:00:00Z', 'more than 5 minutes ahead'],
    ['9999-12-31T23:59:59-23:59', 'years 0001 to 9999'],
  ])('should refuse %s, saying why', (value, why) => {
    expect(occurredAtProblem(value, NOW)).toContain(why);
  });

  it('should accept any instant up to the skew and refuse any after it (property)', () => {
    const format = (ms: number) => new Date(ms).toISOString();
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: NOW + OCCURRED_AT_MAX_SKEW_MS }), (ms) => {
        expect(occurredAtProblem(format(ms), NOW)).toBeUndefined();
        expect(occurredAtMs(format(ms))).toBe(ms);
      }),
      fuzzParameters('occurred_at accepted'),
    );
    fc.assert(
      fc.property(fc.integer({ min: NOW + OCCURRED_AT_MAX_SKEW_MS + 1, max: Date.UTC(9999, 11, 31) }), (ms) => {
        expect(occurredAtProblem(format(ms), NOW)).toMatch(/ahead of the service's clock/);
      }),
      fuzzParameters('occurred_at refused'),
    );
  });
});
