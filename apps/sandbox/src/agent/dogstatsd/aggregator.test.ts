import { describe, expect, it } from 'vitest';
import type { Flushed } from '../../backend/metrics/points.ts';
import { Aggregator, tagsOf } from './aggregator.ts';

const T = 1_795_000_000;
const at = (seconds: number) => (T + seconds) * 1000;
const TAG_LIST = ['env:test', 'host:h'];
const TAGS = tagsOf(TAG_LIST);

/** metric -> [time, value, type, add] of the points of a flush. */
function byMetric(f: Flushed) {
  const out: Record<string, Array<[number, number, string, boolean]>> = {};
  for (const p of f.points) {
    out[p.metric] ??= [];
    out[p.metric]?.push([p.time, p.value, p.type, p.add === true]);
  }
  return out;
}

describe('DogStatsD aggregation', () => {
  it('aggregates one bucket as the Agent does', () => {
    const a = new Aggregator();
    a.add(at(1), 'g', 'gauge', TAGS, [1, 2], 1);
    a.add(at(2), 'g', 'gauge', TAGS, [3], 1);
    a.add(at(1), 'c', 'count', TAGS, [1, 2], 1);
    a.add(at(3), 'c', 'count', TAGS, [1], 0.5);
    for (const m of ['a', 'b', 'a', 'c']) a.addMember(at(4), 's', TAGS, m);
    for (let v = 1; v <= 10; v++) a.add(at(5), 'h', 'histogram', TAGS, [v], 1);
    a.add(at(5), 't', 'timing', TAGS, [10, 20, 30], 1);
    expect(byMetric(a.flush(at(10), false))).toEqual({
      g: [[T, 3, 'gauge', false]],
      // (1 + 2 + 1/0.5) / 10 s
      c: [[T, 0.5, 'rate', true]],
      s: [[T, 3, 'gauge', false]],
      'h.max': [[T, 10, 'gauge', false]],
      'h.median': [[T, 5, 'gauge', false]],
      'h.avg': [[T, 5.5, 'gauge', false]],
      'h.count': [[T, 1, 'rate', true]],
      'h.95percentile': [[T, 10, 'gauge', false]],
      't.max': [[T, 30, 'gauge', false]],
      't.median': [[T, 20, 'gauge', false]],
      't.avg': [[T, 20, 'gauge', false]],
      't.count': [[T, 0.3, 'rate', true]],
      't.95percentile': [[T, 30, 'gauge', false]],
    });
    expect(a.contexts).toBe(0);
  });

  it('weighs histogram samples by int(1/rate) and distribution samples by 1/rate', () => {
    const a = new Aggregator({ percentiles: [50, 99] });
    a.add(at(1), 'h', 'histogram', TAGS, [10], 0.5);
    a.add(at(1), 'h', 'histogram', TAGS, [20], 1);
    a.add(at(1), 'h', 'histogram', TAGS, [30], 0.3);
    a.add(at(1), 'd', 'distribution', TAGS, [4], 0.25);
    a.add(at(1), 'd', 'distribution', TAGS, [-2, 0], 1);
    const f = a.flush(at(10), false);
    const h = byMetric(f);
    // weights 2, 1, 3: count 6, median target 2 -> cumulative 2, 3, 6 -> 20
    expect(h['h.count']?.[0]?.[1]).toBeCloseTo(0.6, 12);
    expect(h['h.median']?.[0]?.[1]).toBe(20);
    expect(h['h.avg']?.[0]?.[1]).toBeCloseTo((20 + 20 + 90) / 6, 12);
    expect(Object.keys(h).filter((m) => m.endsWith('percentile'))).toEqual([
      'h.50percentile',
      'h.99percentile',
    ]);
    const [d] = f.sketches;
    expect(d).toMatchObject({ metric: 'd', tags: TAG_LIST, time: T });
    expect([d?.sketch.count, d?.sketch.sum, d?.sketch.min, d?.sketch.max]).toEqual([6, 14, -2, 4]);
  });

  it('puts samples in the bucket of their arrival and closes only the buckets the clock has left', () => {
    const a = new Aggregator();
    a.add(at(9), 'c', 'count', TAGS, [10], 1);
    a.add(at(10), 'c', 'count', TAGS, [20], 1);
    expect(a.contexts).toBe(2);
    expect(byMetric(a.flush(at(19.9), false))).toEqual({ c: [[T, 1, 'rate', true]] });
    expect(byMetric(a.flush(at(19.9), false))).toEqual({});
    expect(byMetric(a.flush(at(19.9), true))).toEqual({ c: [[T + 10, 2, 'rate', true]] });
  });

  it('flushes the open bucket on demand, and its later samples again at the same time', () => {
    const a = new Aggregator();
    a.add(at(1), 'c', 'count', TAGS, [10], 1);
    a.add(at(1), 'g', 'gauge', TAGS, [1], 1);
    expect(byMetric(a.flush(at(2), true)).c).toEqual([[T, 1, 'rate', true]]);
    a.add(at(3), 'c', 'count', TAGS, [5], 1);
    // the store adds a rate flushed twice: 1 + 0.5 for the bucket
    expect(byMetric(a.flush(at(11), false))).toEqual({ c: [[T, 0.5, 'rate', true]] });
  });

  it('keeps one context per name, type and tag set', () => {
    const a = new Aggregator();
    a.add(at(1), 'm', 'gauge', tagsOf(['host:a']), [1], 1);
    a.add(at(1), 'm', 'gauge', tagsOf(['host:b']), [2], 1);
    a.add(at(1), 'm', 'count', tagsOf(['host:a']), [10], 1);
    a.add(at(1), 'm', 'gauge', tagsOf(['host:a']), [3], 1);
    const f = a.flush(at(10), false);
    expect(f.points.map((p) => [p.tags[0], p.type, p.value])).toEqual([
      ['host:a', 'gauge', 3],
      ['host:b', 'gauge', 2],
      ['host:a', 'rate', 1],
    ]);
  });

  it('forwards points with their own time at the next flush, not aggregated', () => {
    const a = new Aggregator();
    a.addTimestamped('g', 'gauge', TAG_LIST, T - 100, [1, 2], 1);
    a.addTimestamped('c', 'count', TAG_LIST, T - 100, [3], 0.5);
    expect(a.flush(at(1), false).points).toEqual([
      { metric: 'g', tags: TAG_LIST, type: 'gauge', interval: 0, time: T - 100, value: 1 },
      { metric: 'g', tags: TAG_LIST, type: 'gauge', interval: 0, time: T - 100, value: 2 },
      { metric: 'c', tags: TAG_LIST, type: 'count', interval: 10, time: T - 100, value: 6, add: true },
    ]);
    expect(a.flush(at(1), true).points).toEqual([]);
  });
});
