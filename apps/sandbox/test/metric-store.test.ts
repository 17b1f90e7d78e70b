import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramStats } from '../src/agent/dogstatsd/histogram.ts';
import { Checkpoint } from '../src/backend/metrics/checkpoint.ts';
import {
  BINS_PER_BLOCK,
  DistributionSeries,
  POINTS_PER_BLOCK,
  Series,
} from '../src/backend/metrics/series.ts';
import { compactSketch, mergeSketches, newSketch } from '../src/backend/metrics/sketch.ts';
import { MetricStore } from '../src/backend/metrics/store.ts';

const sketchOf = (...values: number[]) => {
  const s = newSketch();
  for (const v of values) s.accept(v);
  return compactSketch(s);
};

describe('metric store columns', () => {
  it('keeps points sorted whatever the arrival order, merges by mode, trims by time', () => {
    const s = new Series('m', [], 'gauge', 10);
    for (const t of [50, 10, 30, 20, 40, 30]) s.add(t, t, 'replace');
    s.add(20, 5, 'add');
    const w = s.window(0, 100);
    expect(Array.from(w.times)).toEqual([10, 20, 30, 40, 50]);
    expect(Array.from(w.values)).toEqual([10, 25, 30, 40, 50]);
    s.trim(30);
    expect(Array.from(s.window(0, 100).times)).toEqual([30, 40, 50]);
    for (let t = 60; t < 5000; t += 10) s.add(t, 1, 'replace');
    expect(s.length).toBe(3 + (5000 - 60) / 10);
  });

  it('stores distribution buckets in columns, merging a bucket flushed twice', () => {
    const d = new DistributionSeries('d', []);
    d.add(20, sketchOf(1, 2, 3));
    d.add(10, sketchOf(10)); // out of order
    d.add(20, sketchOf(4, -5, 0));
    d.add(30, sketchOf(100));
    expect([0, 1, 2].map((i) => d.timeAt(i))).toEqual([10, 20, 30]);
    const b = d.sketchAt(1);
    expect(b).toMatchObject({ count: 6, min: -5, max: 4, zeroCount: 1 });
    expect(mergeSketches([b]).getValueAtQuantile(1)).toBeCloseTo(4, 1);
    d.trim(20);
    expect(d.length).toBe(2);
    for (let t = 40; t < 20_000; t += 10) d.add(t, sketchOf(t));
    expect(d.sketchAt(d.length - 1).max).toBe(19_990);
    expect(d.sketchAt(0).count).toBe(6);
  });

  it('computes histogram aggregates with the Agent rules', () => {
    const s = histogramStats([3, 1, 2], [1, 1, 1], 10);
    expect(s).toMatchObject({ max: 3, min: 1, median: 2, avg: 2, count: 0.3 });
    expect(s?.percentiles.get(95)).toBe(3);
    // weights 10 (rate 0.1) and 1: count 11, median target 5 -> 1
    expect(histogramStats([1, 100], [10, 1], 10)?.median).toBe(1);
  });

  it('replays a checkpoint: snapshot then journal, each write once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    try {
      const a = new MetricStore();
      const ca = new Checkpoint(dir);
      ca.load(a, 0);
      a.addPoint('c', ['host:h'], 'rate', 10, 100, 1, 'add');
      a.addSketch('d', ['host:h'], 100, sketchOf(5, 6));
      ca.snapshot(a);
      a.addPoint('c', ['host:h'], 'rate', 10, 100, 2, 'add');
      a.addPoint('g', [], 'gauge', 0, 110, 7, 'replace');
      ca.commit();
      const b = new MetricStore();
      expect(new Checkpoint(dir).load(b, 0).points).toBe(4);
      expect(Array.from([...b.series('c', 0, 200)][0]?.values ?? [])).toEqual([3]);
      expect(Array.from([...b.series('g', 0, 200)][0]?.values ?? [])).toEqual([7]);
      expect(
        b.distribution({
          metric: 'd',
          from: 0,
          to: 200,
          groupOf: () => '*',
          stat: 'count',
          bucketSeconds: 10,
        })?.[0]?.values,
      ).toEqual([2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metric checkpoint files', () => {
  it('replays a snapshot of several MB, read and written a chunk at a time, multi-byte tags intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-big-'));
    try {
      const a = new MetricStore();
      const c = new Checkpoint(dir);
      c.load(a, 0);
      // Tags mostly of 2- to 4-byte characters: the 64 KB read boundaries fall inside them.
      for (let k = 0; k < 3000; k++) {
        const tags = [`host:h${k}`, `name:${'\u00e9'.repeat(300)}-\u20ac-\u{1F600}-${k}`];
        for (let i = 0; i < 10; i++)
          a.addPoint(`m${k % 3}`, tags, 'gauge', 10, 1_000_000 + i * 10, i + k / 7, 'replace');
      }
      a.addSketch('d', ['host:h'], 1_000_000, sketchOf(5, 6));
      c.snapshot(a);
      expect(statSync(join(dir, 'metrics', 'snapshot.jsonl')).size).toBeGreaterThan(2 * 1024 * 1024);
      const b = new MetricStore();
      expect(new Checkpoint(dir).load(b, 0)).toEqual({ points: 3000 * 10 + 1, corrupt: 0 });
      for (const m of ['m0', 'm1', 'm2']) {
        const want = [...a.series(m, 0, 2e6)].map((w) => [w.tags, Array.from(w.times), Array.from(w.values)]);
        const got = [...b.series(m, 0, 2e6)].map((w) => [w.tags, Array.from(w.times), Array.from(w.values)]);
        expect(got).toEqual(want);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metric store blocks', () => {
  // Operations on a series against a sorted Map: appends, late points across block boundaries
  // (splits), merges, trims that free whole blocks, windows across blocks.
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('run' as const),
      from: fc.integer({ min: 0, max: 12_000 }),
      n: fc.integer({ min: 1, max: 3000 }),
      // Evenly spaced points keep no seconds column until one lands off the step.
      step: fc.integer({ min: 1, max: 15 }),
    }),
    fc.record({
      kind: fc.constant('point' as const),
      t: fc.integer({ min: 0, max: 60_000 }),
      add: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('trim' as const), t: fc.integer({ min: 0, max: 60_000 }) }),
  );

  it('a series in blocks keeps the points a sorted map keeps', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 12 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        (ops, a, b) => {
          const s = new Series('m', [], 'gauge', 10);
          const model = new Map<number, number>();
          let cut = 0;
          let v = 0;
          const put = (t: number, value: number, add: boolean) => {
            s.add(t, value, add ? 'add' : 'replace');
            model.set(t, add ? (model.get(t) ?? 0) + value : value);
          };
          for (const o of ops) {
            if (o.kind === 'run') for (let i = 0; i < o.n; i++) put(o.from + i * o.step, ++v, false);
            else if (o.kind === 'point') put(o.t, ++v, o.add);
            else {
              s.trim(o.t);
              cut = Math.max(cut, o.t);
              for (const t of model.keys()) if (t < o.t) model.delete(t);
            }
          }
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          for (const [from, to] of [
            [lo, hi],
            [lo, lo + 25],
            [hi - 7, hi + 0.5],
          ] as const) {
            const want = [...model.entries()]
              .filter(([t]) => t >= from && t <= to)
              .sort((x, y) => x[0] - y[0]);
            const w = s.window(from, to);
            expect(Array.from(w.times)).toEqual(want.map(([t]) => t));
            expect(Array.from(w.values)).toEqual(want.map(([, x]) => x));
          }
          expect(s.length).toBe(model.size);
          const all = [...model.keys()].sort((x, y) => x - y);
          if (all.length > 0) {
            expect(s.firstTime).toBe(all[0]);
            expect(s.lastTime).toBe(all[all.length - 1]);
          }
          expect(cut).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a small evenly spaced series trimmed, then grown, keeps its seconds', () => {
    const s = new Series('m', [], 'gauge', 10);
    for (let i = 0; i < 10; i++) s.add(100 + i * 10, i, 'replace');
    s.trim(130);
    for (let i = 10; i < 40; i++) s.add(100 + i * 10, i, 'replace');
    const w = s.window(0, 1e6);
    expect(Array.from(w.times)).toEqual(Array.from({ length: 37 }, (_, i) => 130 + i * 10));
    expect(Array.from(w.values)).toEqual(Array.from({ length: 37 }, (_, i) => 3 + i));
    expect([s.firstTime, s.lastTime]).toEqual([130, 490]);
  });

  it('a day of 10 s points fills whole blocks and a window across them is one sorted copy', () => {
    const s = new Series('m', [], 'gauge', 10);
    for (let i = 0; i < 8640; i++) s.add(i * 10, i, 'replace');
    const w = s.window(0, 86_400);
    expect(w.times.length).toBe(8640);
    expect(w.values[POINTS_PER_BLOCK]).toBe(POINTS_PER_BLOCK);
    // Inside one block: a view on it.
    expect((s.window(10, 100).values as Float64Array).buffer).toBe(
      (s.window(20, 30).values as Float64Array).buffer,
    );
    s.trim(POINTS_PER_BLOCK * 10 + 10);
    expect(s.length).toBe(8640 - POINTS_PER_BLOCK - 1);
    expect(s.firstTime).toBe(POINTS_PER_BLOCK * 10 + 10);
  });

  it('distribution buckets keep their bins across bin blocks and after trims', () => {
    const d = new DistributionSeries('d', []);
    const want: Array<[number, number[]]> = [];
    // 5 to 8 bins a bucket: buckets straddle the 4,096-bin blocks at every offset.
    for (let i = 0; i < 3000; i++) {
      const values = [1, 2, 3, 5, 8, 13, 21].slice(0, 4 + (i % 4));
      values.push(-(i % 50) - 1);
      for (let k = 0; k < values.length; k++) values[k] = (values[k] as number) * (1 + (i % 7));
      d.add(i * 10, sketchOf(...values));
      want.push([i * 10, values]);
    }
    const check = () => {
      expect(d.length).toBe(want.length);
      for (let i = 0; i < d.length; i++) {
        const [t, values] = want[i] as [number, number[]];
        expect(d.timeAt(i)).toBe(t);
        const sk = d.sketchAt(i);
        expect(sk.count).toBe(values.length);
        expect(sk.keys.length + sk.negKeys.length).toBe(values.length);
        const q = mergeSketches([sk]);
        const near = (got: number, x: number) =>
          expect(Math.abs(got - x)).toBeLessThanOrEqual(Math.abs(x) / 64);
        near(q.getValueAtQuantile(0), Math.min(...values));
        near(q.getValueAtQuantile(1), Math.max(...values));
      }
    };
    check();
    expect(3000 * 5).toBeGreaterThan(3 * BINS_PER_BLOCK);
    d.trim(1234 * 10);
    want.splice(0, 1234);
    check();
    d.add(2999 * 10, sketchOf(1000));
    (want[want.length - 1] as [number, number[]])[1].push(1000);
    expect(d.sketchAt(d.length - 1).count).toBe(9);
    expect(d.sketchAt(d.length - 1).max).toBe(1000);
    // 300 samples in one bin, then a fractional count (sample rate) and a key beyond Int16
    // widen the bin columns twice; the buckets already there read the same after.
    const bins = (i: number) => [Array.from(d.sketchAt(i).keys), Array.from(d.sketchAt(i).counts)];
    const before = [0, 700, d.length - 1].map(bins);
    d.add(2999.5 * 10, sketchOf(...new Array<number>(300).fill(7)));
    expect(d.sketchAt(d.length - 1).counts[0]).toBe(300);
    expect([0, 700, d.length - 2].map(bins)).toEqual(before);
    const weighted = newSketch();
    weighted.accept(5, 2.5);
    d.add(3000 * 10, compactSketch(weighted));
    d.add(3001 * 10, sketchOf(1e200, 1));
    expect([0, 700, d.length - 4].map(bins)).toEqual(before);
    expect(d.sketchAt(d.length - 3).counts[0]).toBe(300);
    expect(d.sketchAt(d.length - 2).counts[0]).toBe(2.5);
    expect(mergeSketches([d.sketchAt(d.length - 1)]).getValueAtQuantile(1) / 1e200).toBeCloseTo(1, 1);
    d.trim(1e9);
    expect(d.length).toBe(0);
    d.add(5, sketchOf(1));
    expect(d.timeAt(0)).toBe(5);
  });
});
