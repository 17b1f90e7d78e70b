import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { DistributionRequest } from '@dd-challenge/metric-query';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.ts';
import { openDatabase } from '../db/database.ts';
import { HostRegistry } from '../hosts.ts';
import { Metrics } from './metrics.ts';
import type { MetricPoint, SketchPoint } from './points.ts';
import { newSketch } from './sketch.ts';
import { MetricStore } from './store.ts';

const memory = () => new MetricStore(new DatabaseSync(':memory:'));
const gauge = (time: number, value: number, extra: Partial<MetricPoint> = {}): MetricPoint => ({
  metric: 'm',
  tags: ['host:h'],
  type: 'gauge',
  interval: 10,
  time,
  value,
  ...extra,
});
const sketchOf = (time: number, values: number[], tags = ['host:h']): SketchPoint => {
  const sketch = newSketch();
  for (const v of values) sketch.accept(v);
  return { metric: 'd', tags, time, sketch };
};
const read = (store: MetricStore, metric: string, from = 0, to = 2e9) =>
  [...store.series(metric, from, to)].map((s) => ({
    tags: s.tags,
    type: s.type,
    interval: s.interval,
    times: Array.from(s.times),
    values: Array.from(s.values),
  }));
const dist = (
  store: MetricStore,
  stat: DistributionRequest['stat'],
  more: Partial<DistributionRequest> = {},
) =>
  store.distribution({ metric: 'd', from: 0, to: 2e9, groupOf: () => '*', stat, bucketSeconds: 10, ...more });

describe('metric store', () => {
  it('keeps points sorted by time, replacing or adding at a time already stored', () => {
    const store = memory();
    const n = store.write({
      points: [
        gauge(50, 50),
        gauge(10, 10),
        gauge(30, 30),
        gauge(20, 20),
        gauge(30, 3),
        gauge(20, 5, { add: true }),
      ],
      sketches: [],
    });
    expect(n).toBe(6);
    expect(read(store, 'm')).toEqual([
      { tags: ['host:h'], type: 'gauge', interval: 10, times: [10, 20, 30, 50], values: [10, 25, 3, 50] },
    ]);
    expect(read(store, 'm', 15, 30)[0]?.times).toEqual([20, 30]);
    expect(read(store, 'm', 51, 60)).toEqual([]);
    expect(read(store, 'other')).toEqual([]);
  });

  it('keeps a series per tag set, with the type it was made with; a count into a rate series becomes a rate', () => {
    const store = memory();
    store.write({
      points: [
        gauge(10, 4, { metric: 'r', type: 'rate' }),
        gauge(10, 20, { metric: 'r', type: 'count', add: true }),
        gauge(10, 1, { tags: ['host:a'] }),
        gauge(10, 2, { tags: ['host:b'] }),
      ],
      sketches: [],
    });
    expect(read(store, 'r')).toMatchObject([{ type: 'rate', values: [6] }]);
    expect(read(store, 'm').map((s) => [s.tags, s.values])).toEqual([
      [['host:a'], [1]],
      [['host:b'], [2]],
    ]);
  });

  it('skips points that are not finite numbers', () => {
    const store = memory();
    const n = store.write({
      points: [gauge(10, Number.NaN), gauge(Number.POSITIVE_INFINITY, 1), gauge(-5, 1), gauge(10, 1)],
      sketches: [],
    });
    expect(n).toBe(1);
    expect(store.metrics()).toEqual([{ metric: 'm', kind: 'gauge', series: 1, points: 1, lastTime: 10 }]);
  });

  it('merges the sketches of one bucket flushed twice, and of the buckets a query bucket spans', () => {
    const store = memory();
    store.write({
      points: [],
      sketches: [sketchOf(20, [1, 2, 3]), sketchOf(10, [10]), sketchOf(20, [4, -5, 0])],
    });
    store.write({ points: [], sketches: [sketchOf(30, [100], ['host:other'])] });
    expect(dist(store, 'count')).toEqual([{ group: '*', tags: [], times: [10, 20, 30], values: [1, 6, 1] }]);
    expect(dist(store, 'min')?.[0]?.values).toEqual([10, -5, 100]);
    expect(dist(store, 'max')?.[0]?.values).toEqual([10, 4, 100]);
    expect(dist(store, 'sum')?.[0]?.values).toEqual([10, 5, 100]);
    const q = dist(store, { quantile: 0 }, { bucketSeconds: 60, groupOf: (tags) => tags[0] });
    expect(q?.map((g) => [g.group, g.tags, g.times, g.values.length])).toEqual([
      ['host:h', ['host:h'], [0], 1],
      ['host:other', ['host:other'], [0], 1],
    ]);
    expect(Math.abs((q?.[0]?.values[0] as number) + 5)).toBeLessThan(5 / 64);
    expect(dist(store, 'avg', { metric: 'nothing' })).toBeUndefined();
    expect(store.metrics()).toEqual([
      { metric: 'd', kind: 'distribution', series: 2, points: 3, lastTime: 30 },
    ]);
  });

  it('prunes by time and drops the series left empty', () => {
    const store = memory();
    store.write({
      points: [
        gauge(10, 1),
        gauge(20, 2),
        gauge(30, 3),
        gauge(10, 1, { tags: ['host:gone'] }),
        gauge(10, 1, { metric: 'old' }),
      ],
      sketches: [sketchOf(10, [1]), sketchOf(40, [2])],
    });
    store.prune(20);
    expect(read(store, 'm').map((s) => [s.tags, s.times])).toEqual([[['host:h'], [20, 30]]]);
    expect(read(store, 'old')).toEqual([]);
    expect(dist(store, 'count')?.[0]?.times).toEqual([40]);
    expect(store.metrics().map((m) => [m.metric, m.series, m.points])).toEqual([
      ['d', 1, 1],
      ['m', 1, 2],
    ]);
  });

  it('finds its series and points again in the database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metric-store-'));
    try {
      const first = openDatabase(join(dir, 'sandbox.db'));
      new MetricStore(first).write({
        points: [gauge(10, 1), gauge(20, 2, { metric: 'c', type: 'rate', tags: ['é:€', 'host:h'] })],
        sketches: [sketchOf(10, [5, 6])],
      });
      first.close();
      const again = new MetricStore(openDatabase(join(dir, 'sandbox.db')));
      expect(again.metrics().map((m) => [m.metric, m.kind, m.points, m.lastTime])).toEqual([
        ['c', 'rate', 1, 20],
        ['d', 'distribution', 1, 10],
        ['m', 'gauge', 1, 10],
      ]);
      again.write({
        points: [gauge(20, 1, { metric: 'c', type: 'count', tags: ['é:€', 'host:h'], add: true })],
        sketches: [],
      });
      expect(read(again, 'c')).toEqual([
        { tags: ['é:€', 'host:h'], type: 'rate', interval: 10, times: [20], values: [2.1] },
      ]);
      expect(dist(again, 'max')?.[0]?.values).toEqual([6]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads and writes what a sorted map of time to value keeps', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        t: fc.integer({ min: 0, max: 500 }),
        add: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('prune' as const), t: fc.integer({ min: 0, max: 500 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (ops, a, b) => {
          const store = memory();
          const model = new Map<number, number>();
          let v = 0;
          for (const o of ops) {
            if (o.kind === 'write') {
              v++;
              store.write({ points: [gauge(o.t, v, { add: o.add })], sketches: [] });
              model.set(o.t, o.add ? (model.get(o.t) ?? 0) + v : v);
            } else {
              store.prune(o.t);
              for (const t of model.keys()) if (t < o.t) model.delete(t);
            }
          }
          const [from, to] = a <= b ? [a, b] : [b, a];
          const want = [...model].filter(([t]) => t >= from && t <= to).sort((x, y) => x[0] - y[0]);
          const got = read(store, 'm', from, to)[0];
          expect(got?.times ?? []).toEqual(want.map(([t]) => t));
          expect(got?.values ?? []).toEqual(want.map(([, x]) => x));
          expect(store.metrics()[0]?.points ?? 0).toBe(model.size);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('ctx.metrics', () => {
  it('enriches submitted points with the host and DD_TAGS, and prunes past the retention window', () => {
    const clock = new ManualClock(1_000_000 * 1000);
    const hosts = new HostRegistry('local', ['role:db']);
    const metrics = new Metrics({ db: new DatabaseSync(':memory:'), retentionMs: 3600_000, hosts, clock });
    expect(
      metrics.submit('m', ['b'], 'gauge', 0, [
        [990_000, 1],
        [999_990, Number.NaN],
      ]),
    ).toBe(1);
    expect(metrics.submit('m', [], 'gauge', 0, [[999_990, 2]], { host: 'web-1' })).toBe(1);
    expect([...metrics.series('m', 0, 2e9)].map((s) => s.tags)).toEqual([
      ['b', 'host:local', 'role:db'],
      ['host:web-1'],
    ]);
    expect(hosts.get('web-1')?.lastSeen).toBe(1_000_000 * 1000);
    // a write a minute later prunes what is older than an hour
    clock.advance(60_000);
    metrics.write({ points: [], sketches: [sketchOf(1_000_050, [1])] });
    expect([...metrics.series('m', 0, 2e9)].map((s) => Array.from(s.times))).toEqual([[999_990]]);
  });
});
