import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANOMALY_WINDOW, anomalyBands, MIN_HISTORY } from './anomalies.ts';

/** The definition, written the slow way: sort the previous `window` real points at every bucket. */
function naiveBands(values: readonly number[], bounds: number, window: number) {
  const quantile = (s: number[], p: number) => {
    const pos = p * (s.length - 1);
    const lo = Math.floor(pos);
    return lo + 1 < s.length ? s[lo]! + (s[lo + 1]! - s[lo]!) * (pos - lo) : s[lo]!;
  };
  const upper: number[] = [];
  const lower: number[] = [];
  const seen: number[] = [];
  for (const v of values) {
    const w = seen.slice(-window).sort((a, b) => a - b);
    if (w.length >= MIN_HISTORY) {
      const median = quantile(w, 0.5);
      const spread = ((quantile(w, 0.75) - quantile(w, 0.25)) * bounds) / 1.349;
      upper.push(median + spread);
      lower.push(median - spread);
    } else {
      upper.push(Number.NaN);
      lower.push(Number.NaN);
    }
    if (!Number.isNaN(v)) seen.push(v);
  }
  return { upper, lower };
}

// Ties (small integers) and infinities (equal to the window's sentinels and padding) stress the
// replace path; gaps (NaN) the mapping of bands back to buckets.
const real = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x + 0) },
);
const value = fc.oneof({ weight: 1, arbitrary: fc.constant(Number.NaN) }, { weight: 8, arbitrary: real });
// 60 is the 64-slot search; 100 the general one. Lengths up to 400 (size 'max': fast-check's
// default size would keep arrays shorter than the window).
const windows = fc.constantFrom(1, 4, 5, 7, 16, ANOMALY_WINDOW, 100);

describe('anomalyBands: the sorted rolling window', () => {
  it('equals sorting every window from scratch (random data, with and without gaps, ties)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(value, { maxLength: 400, size: 'max' }),
          fc.array(real, { maxLength: 400, size: 'max' }),
        ),
        windows,
        fc.constantFrom(1, 2, 3.5),
        (values, window, bounds) => {
          const fast = anomalyBands(Float64Array.from(values), bounds, window);
          const slow = naiveBands(values, bounds, window);
          expect(Array.from(fast.upper)).toEqual(slow.upper);
          expect(Array.from(fast.lower)).toEqual(slow.lower);
        },
      ),
      { numRuns: 200 },
    );
  });
});
