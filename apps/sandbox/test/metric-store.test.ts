import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpoint } from '../src/metrics/checkpoint.ts';
import { histogramStats } from '../src/metrics/histogram.ts';
import { DistributionSeries, Series } from '../src/metrics/series.ts';
import { compactSketch, mergeSketches, newSketch } from '../src/metrics/sketch.ts';
import { MetricStore } from '../src/metrics/store.ts';

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
