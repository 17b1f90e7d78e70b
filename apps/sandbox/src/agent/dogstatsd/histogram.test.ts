import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramStats } from './histogram.ts';

describe('histogramStats', () => {
  it('computes the aggregates with the Agent rules', () => {
    const s = histogramStats([3, 1, 2], undefined, 10);
    expect(s).toMatchObject({ max: 3, min: 1, median: 2, avg: 2, count: 0.3 });
    expect(s?.percentiles.get(95)).toBe(3);
    // weights 10 (rate 0.1) and 1: count 11, median target 5 -> 1
    expect(histogramStats([1, 100], [10, 1], 10)?.median).toBe(1);
    // weights 2, 1, 4 (rates 0.5, 1, 0.25): count 7, median target 3 -> cumulative 2, 3, 7 -> 30
    const w = histogramStats([10, 20, 30], [2, 1, 4], 10);
    expect(w?.median).toBe(30);
    expect(w?.avg).toBeCloseTo(160 / 7, 12);
    expect(w?.count).toBeCloseTo(0.7, 12);
    expect(histogramStats([], undefined, 10)).toBeUndefined();
  });

  /** The Agent's rules read off a walk of the sorted samples, weight by weight. */
  function byWalk(values: number[], weights: number[], percentiles: number[]) {
    const pairs = values.map((v, i) => [v, weights[i] as number] as const).sort((a, b) => a[0] - b[0]);
    const count = weights.reduce((a, b) => a + b, 0);
    const at = (target: number) => {
      let c = 0;
      for (const [v, w] of pairs) {
        c += w;
        if (c > target) return v;
      }
      return pairs[pairs.length - 1]?.[0];
    };
    return {
      median: at(Math.trunc((count - 1) / 2)),
      percentiles: percentiles.map((p) => [p, at(Math.trunc((p * count - 1) / 100))]),
      max: pairs[pairs.length - 1]?.[0],
      min: pairs[0]?.[0],
      count: count / 10,
    };
  }

  it('gives the ranks a walk over the sorted samples gives, weighted or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.constantFrom(1, 2, 4, 10)), {
          minLength: 1,
          maxLength: 500,
        }),
        fc.boolean(),
        fc.subarray([1, 5, 50, 75, 90, 95, 99, 100], { minLength: 1 }),
        (samples, weighted, percentiles) => {
          const values = samples.map(([v]) => v / 4);
          const weights = samples.map(([, w]) => (weighted ? w : 1));
          const s = histogramStats(values, weighted ? weights : undefined, 10, percentiles);
          const want = byWalk(values, weights, percentiles);
          expect(s?.median).toBe(want.median);
          expect(s?.min).toBe(want.min);
          expect(s?.max).toBe(want.max);
          expect(s?.count).toBe(want.count);
          expect([...(s?.percentiles ?? [])]).toEqual(
            [...want.percentiles].sort((a, b) => (a[0] as number) - (b[0] as number)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
