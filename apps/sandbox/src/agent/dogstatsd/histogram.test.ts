import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramStats } from './histogram.ts';

/** The Agent's rules read off a full sort: the value of the first rank whose cumulative weight passes the target. */
function bySort(values: number[], w: number, percentiles: number[]) {
  const sorted = Float64Array.from(values).sort();
  const count = values.length * w;
  const at = (target: number) => sorted[Math.min(Math.max(Math.floor(target / w), 0), sorted.length - 1)];
  return {
    median: at(Math.trunc((count - 1) / 2)),
    percentiles: percentiles.map((p) => [p, at(Math.trunc((p * count - 1) / 100))]),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

describe('histogramStats by selection (large buckets)', () => {
  it('gives the ranks a full sort gives, for any values, duplicates and equal weights', () => {
    fc.assert(
      fc.property(
        // sizes on both sides of the sort/selection switch (256), few distinct values or many
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(1, 2, 10),
        fc.subarray([1, 5, 50, 75, 90, 95, 99, 100], { minLength: 1 }),
        fc.integer(),
        (n, spread, w, percentiles, seed) => {
          let x = seed | 0;
          const values = Array.from({ length: n }, () => {
            x = (Math.imul(x, 1103515245) + 12345) | 0;
            return ((x >>> 8) % (spread * 20)) / 4 - spread;
          });
          const s = histogramStats(Float64Array.from(values), new Array(n).fill(w), 10, percentiles);
          const want = bySort(values, w, percentiles);
          expect(s?.median).toBe(want.median);
          expect(s?.min).toBe(want.min);
          expect(s?.max).toBe(want.max);
          expect([...(s?.percentiles ?? [])].sort((a, b) => a[0] - b[0])).toEqual(
            want.percentiles.sort((a, b) => (a[0] as number) - (b[0] as number)),
          );
          expect(s?.count).toBe((n * w) / 10);
        },
      ),
      { numRuns: 300 },
    );
  });
});
