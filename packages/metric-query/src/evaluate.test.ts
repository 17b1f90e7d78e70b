import { describe, expect, it } from 'vitest';
import { every, ms, pts, source } from './evaluate.fixtures.ts';
import { gauge, memorySource } from './memory-source.ts';
import { evaluate } from './query.ts';
import { defaultInterval } from './rollup.ts';
import type { DistributionRequest } from './source.ts';

describe('default interval keeps about 300 points, like Datadog', () => {
  const table = [
    { desc: 'past hour', input: 3600, expected: 20 },
    { desc: 'past 4 hours', input: 4 * 3600, expected: 60 },
    { desc: 'past day', input: 86_400, expected: 300 },
    { desc: 'past 2 days', input: 2 * 86_400, expected: 600 },
    { desc: 'past week', input: 7 * 86_400, expected: 3600 },
    { desc: 'past month', input: 30 * 86_400, expected: 14_400 },
    { desc: 'past 5 minutes (floor at the 10 s flush)', input: 300, expected: 10 },
  ];
  for (const { desc, input, expected } of table)
    it(desc, () => expect(defaultInterval(0, input)).toBe(expected));
});

describe('no series passes 1,500 points, whatever interval or rollup asks (as Datadog)', () => {
  // A week of 10 s points: value = the index of its 600 s bucket, so a bucket's average is exact.
  const start = 1_700_006_400; // a multiple of 600 and of 86,400
  const n = 60_480;
  const week = memorySource([
    gauge(
      'w',
      ['host:a'],
      Array.from({ length: n }, (_, i): [number, number] => [start + i * 10, Math.floor(i / 60)]),
    ),
  ]);
  const to = start + n * 10 - 1;
  const table = [
    { desc: 'interval=10 over a week -> 600 s', query: 'avg:w{*}', interval: 10, expected: 600 },
    { desc: '.rollup(avg, 10) over a week -> 600 s', query: 'avg:w{*}.rollup(avg, 10)', expected: 600 },
    { desc: 'a coarser request is kept', query: 'avg:w{*}', interval: 7200, expected: 7200 },
    {
      desc: 'anomalies() at interval=10 -> 600 s',
      query: "anomalies(avg:w{*}, 'basic', 2)",
      interval: 10,
      expected: 600,
    },
  ];
  for (const { desc, query, interval, expected } of table) {
    it(desc, () => {
      const r = evaluate(query, { source: week, from: start, to, ...(interval ? { interval } : {}) });
      if (!r.ok) throw new Error(r.error.message);
      const [series] = r.value.series;
      expect(series?.interval).toBe(expected);
      expect(series?.pointlist.length).toBe(Math.ceil((n * 10) / expected));
      expect(series?.pointlist.length).toBeLessThanOrEqual(1500);
      if (expected === 600) {
        // Each 600 s bucket averages its own 60 points: bucket k is exactly k.
        expect(series?.pointlist.slice(0, 3)).toEqual(
          pts([
            [start, 0],
            [start + 600, 1],
            [start + 1200, 2],
          ]),
        );
      }
    });
  }
  it('a day may have 1,440 one-minute points, not 8,640 of 10 s', () => {
    const r = evaluate('avg:w{*}', { source: week, from: start, to: start + 86_399, interval: 10 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.series[0]?.interval).toBe(60);
    expect(r.value.series[0]?.pointlist.length).toBe(1440);
  });
});

describe('response shape', () => {
  it('is the /api/v1/query body', () => {
    const r = evaluate('avg:cpu{env:prod} by {host}', { source, from: 0, to: 5, interval: 10 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      status: 'ok',
      res_type: 'time_series',
      from_date: 0,
      to_date: 5000,
      query: 'avg:cpu{env:prod} by {host}',
      group_by: ['host'],
      message: '',
    });
    expect(r.value.series[0]).toEqual({
      metric: 'cpu',
      display_name: 'cpu',
      scope: 'env:prod,host:db-1',
      tag_set: ['host:db-1'],
      pointlist: [[0, 40]],
      interval: 10,
      start: 0,
      end: 9999,
      aggr: 'avg',
      expression: 'avg:cpu{env:prod,host:db-1}',
      length: 1,
      unit: null,
      query_index: 0,
    });
  });

  it('a rollup(sum, 3600) over a 5-minute window has at most one point (the seed mistake)', () => {
    const r = evaluate('avg:m{*}.rollup(sum, 3600)', { source, from: 1000, to: 1300 });
    expect(r.ok && r.value.series[0]!.pointlist).toEqual([[0, 55]]);
    expect(r.ok && r.value.series[0]!.interval).toBe(3600);
  });
});

describe('anomalies (basic)', () => {
  // 10 for 100 points, then a step to 100.
  const values = Array.from({ length: 200 }, (_, i) => (i < 100 ? 10 : 100));
  const step = memorySource([gauge('rows', ['host:db'], every(0, 10, values))]);
  const r = evaluate("anomalies(avg:rows{*}, 'basic', 2)", {
    source: step,
    from: 700,
    to: 1990,
    interval: 10,
  });
  const s = r.ok ? r.value.series[0]! : undefined;
  const at = (t: number) => s!.pointlist.findIndex((p) => p[0] === ms(t));

  it('returns the series and its band at the same timestamps', () => {
    expect(s).toBeDefined();
    expect(s!.anomaly_bounds!.upper.map((p) => p[0])).toEqual(s!.pointlist.map((p) => p[0]));
    expect(s!.pointlist[0]).toEqual([ms(700), 10]);
  });
  it('the band before the step is flat at the level (history is fetched before the window)', () => {
    expect(s!.anomaly_bounds!.upper[at(700)]).toEqual([ms(700), 10]);
    expect(s!.anomaly_bounds!.lower[at(990)]).toEqual([ms(990), 10]);
  });
  it('the first point after the step lies above the band', () => {
    const i = at(1000);
    expect(s!.pointlist[i]![1]).toBe(100);
    expect(s!.anomaly_bounds!.upper[i]![1]).toBe(10);
  });
  it('the band follows the new level once the lagging window has moved on', () => {
    const i = at(1600); // 60 points of 100 behind it
    expect(s!.anomaly_bounds!.upper[i]![1]).toBe(100);
    expect(s!.anomaly_bounds!.lower[i]![1]).toBe(100);
  });
  it('bounds widen with spread: 2 x IQR/1.349 around the median', () => {
    const noisy = memorySource([
      gauge(
        'n',
        [],
        every(
          0,
          10,
          Array.from({ length: 61 }, (_, i) => i % 4),
        ),
      ),
    ]);
    const q = evaluate("anomalies(avg:n{*}, 'basic', 2)", {
      source: noisy,
      from: 600,
      to: 600,
      interval: 10,
    });
    const b = q.ok ? q.value.series[0]!.anomaly_bounds! : undefined;
    // window: 15 x {0,1,2,3}: median 1.5, Q25 = 0.75, Q75 = 2.25 -> spread 1.5/1.349
    expect(b!.upper[0]![1]).toBeCloseTo(1.5 + (2 * 1.5) / 1.349, 9);
    expect(b!.lower[0]![1]).toBeCloseTo(1.5 - (2 * 1.5) / 1.349, 9);
  });
});

describe('distribution metrics go through source.distribution', () => {
  const requests: DistributionRequest[] = [];
  const dist = memorySource([gauge('trace.fastify.request', ['service:traced-api'], [[0, 1]])], {
    distribution: (req) => {
      requests.push(req);
      if (req.metric !== 'trace.fastify.request') return undefined;
      const groups = new Map<string, string[]>();
      for (const tags of [
        ['service:traced-api', 'resource_name:get_/'],
        ['service:traced-api', 'resource_name:post_/api/notes'],
        ['service:other', 'resource_name:get_/'],
      ]) {
        const g = req.groupOf(tags);
        if (g !== undefined) groups.set(g, tags);
      }
      return [...groups.keys()].map((group) => ({ group, tags: [], times: [0, 60], values: [0.25, 0.5] }));
    },
  });
  it('asks for the quantile with the scope and grouping applied', () => {
    const r = evaluate('p95:trace.fastify.request{service:traced-api} by {resource_name}', {
      source: dist,
      from: 0,
      to: 119,
      interval: 60,
    });
    expect(r.ok).toBe(true);
    const req = requests.at(-1)!;
    expect(req.stat).toEqual({ quantile: 0.95 });
    expect(req.bucketSeconds).toBe(60);
    expect(req.groupOf(['service:other', 'resource_name:x'])).toBeUndefined();
    expect(r.ok && r.value.series.map((s) => [s.tag_set, s.pointlist])).toEqual([
      [
        ['resource_name:get_/'],
        [
          [0, 0.25],
          [60000, 0.5],
        ],
      ],
      [
        ['resource_name:post_/api/notes'],
        [
          [0, 0.25],
          [60000, 0.5],
        ],
      ],
    ]);
  });
  it('a bucket stamped at its aligned start before `from` still counts', () => {
    const r = evaluate('p95:trace.fastify.request{*}', { source: dist, from: 30, to: 119, interval: 60 });
    expect(r.ok && r.value.series[0]!.pointlist).toEqual([
      [0, 0.25],
      [60000, 0.5],
    ]);
  });
  it('avg on a distribution asks for the avg stat', () => {
    evaluate('avg:trace.fastify.request{*}', { source: dist, from: 0, to: 119, interval: 60 });
    expect(requests.at(-1)!.stat).toBe('avg');
  });
  it('falls back to plain series when the store has no such distribution', () => {
    const r = evaluate('avg:cpu{host:db-1}', {
      source: memorySource([gauge('cpu', ['host:db-1'], [[0, 4]])], { distribution: () => undefined }),
      from: 0,
      to: 0,
      interval: 10,
    });
    expect(r.ok && r.value.series[0]!.pointlist).toEqual([[0, 4]]);
  });
});

describe('template variables and bad input', () => {
  it('substitutes $host before evaluation', () => {
    const r = evaluate('sum:cpu{$host}', {
      source,
      from: 0,
      to: 0,
      interval: 10,
      templateVariables: { host: 'web-2' },
    });
    expect(r.ok && r.value.series[0]!.pointlist).toEqual([[0, 20]]);
  });
  it('substitutes host:$host before evaluation', () => {
    const r = evaluate('sum:cpu{host:$host}', {
      source,
      from: 0,
      to: 0,
      interval: 10,
      templateVariables: { host: 'db-1' },
    });
    expect(r.ok && r.value.series[0]!.pointlist).toEqual([[0, 40]]);
  });
  it('refuses an unsubstituted variable with a clear message', () => {
    expect(evaluate('sum:cpu{$host}', { source, from: 0, to: 0 })).toEqual({
      ok: false,
      error: { from: 0, to: 14, message: 'template variable $host has no value; substitute it first' },
    });
  });
  it('returns parse errors as values', () => {
    const r = evaluate('avg:cpu{', { source, from: 0, to: 0 });
    expect(r.ok).toBe(false);
  });
  it('refuses an inverted range', () => {
    const r = evaluate('avg:cpu{*}', { source, from: 10, to: 0 });
    expect(!r.ok && r.error.message).toBe('expected from <= to in UNIX seconds but got from=10, to=0');
  });
  it('refuses times in milliseconds', () => {
    const r = evaluate('avg:cpu{*}', { source, from: 1_700_000_000_000, to: 1_700_000_060_000 });
    expect(!r.ok && r.error.message).toBe(
      'from=1700000000000, to=1700000060000 look like milliseconds; pass UNIX seconds',
    );
  });
  it('a failing source becomes an error value', () => {
    const broken = {
      series: () => {
        throw new Error('store closed');
      },
    };
    const r = evaluate('avg:cpu{*}', { source: broken, from: 0, to: 10 });
    expect(!r.ok && r.error.message).toBe('evaluation failed: store closed');
  });
});
