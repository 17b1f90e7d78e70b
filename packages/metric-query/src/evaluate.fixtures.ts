/** Series and a runner shared by the evaluate tests: hand-computed results over small tables. */
import { expect, it } from 'vitest';
import { gauge, memorySource } from './memory-source.ts';
import { evaluate } from './query.ts';
import type { Point } from './response.ts';
import type { SeriesData } from './source.ts';

export const ms = (s: number) => s * 1000;
export const pts = (pairs: [number, number][]): Point[] => pairs.map(([t, v]) => [ms(t), v]);

/** Points t0, t0+step, … with the given values. */
export function every(t0: number, step: number, values: number[]): [number, number][] {
  return values.map((v, i) => [t0 + i * step, v]);
}

export function rate(metric: string, tags: string[], points: [number, number][], interval = 10): SeriesData {
  return {
    metric,
    tags,
    type: 'rate',
    interval,
    times: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}
export function count(metric: string, tags: string[], points: [number, number][], interval = 10): SeriesData {
  return {
    metric,
    tags,
    type: 'count',
    interval,
    times: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}

export const source = memorySource([
  // m: 1..10 every 10 s from t=1000
  gauge('m', ['host:a'], every(1000, 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
  // interpolation: a every 10 s, b only at 0 and 30
  gauge('i', ['host:a'], every(0, 10, [0, 10, 20, 30])),
  gauge(
    'i',
    ['host:b'],
    [
      [0, 100],
      [30, 130],
    ],
  ),
  // DogStatsD count of 5 per flush: stored as rate 0.5/s, interval 10
  rate('hits', ['service:api', 'resource_name:get_/'], every(0, 10, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])),
  rate('hits', ['service:api', 'resource_name:post_/notes'], every(0, 10, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])),
  count('jobs', ['host:a'], every(0, 10, [5, 5, 5, 5, 5, 5])),
  // grouping and scopes
  gauge('cpu', ['host:web-1', 'env:prod', 'role:web'], [[0, 10]]),
  gauge('cpu', ['host:web-2', 'env:prod', 'role:web'], [[0, 20]]),
  gauge('cpu', ['host:db-1', 'env:prod', 'role:db'], [[0, 40]]),
  gauge('cpu', ['host:cache-1', 'role:cache'], [[0, 80]]),
  // arithmetic with a missing point
  gauge('num', ['host:a'], every(0, 10, [10, 20, 30])),
  gauge(
    'den',
    ['host:a'],
    [
      [0, 2],
      [20, 0],
    ],
  ),
]);

export interface Case {
  desc: string;
  input: string;
  from: number;
  to: number;
  interval?: number;
  expected: { tag_set: string[]; pointlist: Point[] }[];
}

/** One test per case: the series' tags and points, values to 9 decimals. */
export function itEvaluates(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.desc, () => {
      const r = evaluate(c.input, { source, from: c.from, to: c.to, interval: c.interval });
      if (!r.ok) throw new Error(r.error.message);
      const got = r.value.series.map((s) => ({ tag_set: s.tag_set, pointlist: s.pointlist }));
      expect(got.length).toBe(c.expected.length);
      got.forEach((g, i) => {
        expect(g.tag_set).toEqual(c.expected[i]!.tag_set);
        expect(g.pointlist.map((p) => p[0])).toEqual(c.expected[i]!.pointlist.map((p) => p[0]));
        g.pointlist.forEach((p, j) => {
          expect(p[1]).toBeCloseTo(c.expected[i]!.pointlist[j]![1]!, 9);
        });
      });
    });
  }
}
