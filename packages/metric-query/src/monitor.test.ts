import { describe, expect, it } from 'vitest';
import type { MonitorQuery } from './ast.ts';
import { formatMonitorQuery } from './format.ts';
import { gauge, memorySource } from './memory-source.ts';
import { compare, evaluateMonitor } from './monitor.ts';
import { parseMonitorQuery } from './monitor-parser.ts';

const myMetric = {
  kind: 'metric' as const,
  aggregator: 'avg' as const,
  metric: 'my_metric',
  scope: { kind: 'all' as const },
  groupBy: ['host'],
  modifiers: [],
};

const parseCases: { desc: string; input: string; expected: Partial<MonitorQuery>; canonical?: string }[] = [
  {
    desc: 'the challenge monitor, grouped by host for {{host.ip}}',
    input: 'avg(last_5m):avg:my_metric{*} by {host} > 800',
    expected: {
      kind: 'metric',
      timeAggregation: 'avg',
      window: 'last_5m',
      windowSeconds: 300,
      shift: null,
      shiftSeconds: null,
      query: myMetric,
      comparator: '>',
      threshold: 800,
    },
  },
  {
    desc: 'the seed monitor (no space aggregator)',
    input: 'avg(last_5m):my_metric{host:Fannys-MacBook-Air.local} > 800',
    expected: { windowSeconds: 300, threshold: 800 },
  },
  {
    desc: 'change form',
    input: 'change(avg(last_5m),last_5m):avg:m{*} > 10',
    expected: {
      kind: 'change',
      timeAggregation: 'avg',
      windowSeconds: 300,
      shift: 'last_5m',
      shiftSeconds: 300,
    },
  },
  {
    desc: 'pct_change with an hour window, a day shift and a negative threshold',
    input: 'pct_change(sum(last_1h),last_1d):sum:m{*}.as_count()<=-50.5',
    canonical: 'pct_change(sum(last_1h),last_1d):sum:m{*}.as_count() <= -50.5',
    expected: {
      kind: 'pct_change',
      timeAggregation: 'sum',
      windowSeconds: 3600,
      shiftSeconds: 86_400,
      comparator: '<=',
      threshold: -50.5,
    },
  },
  {
    desc: 'anomaly monitor',
    input:
      "avg(last_1h):anomalies(avg:postgresql.rows_fetched{*}, 'basic', 3, direction='above', alert_window='last_5m', interval=20, count_default_zero='true') >= 1",
    expected: { windowSeconds: 3600, comparator: '>=', threshold: 1 },
  },
  {
    desc: "the official client's monitor example",
    input: 'avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 100',
    expected: { windowSeconds: 300, comparator: '>', threshold: 100 },
  },
  {
    desc: 'week window',
    input: 'max(last_1w):max:m{*} != 0',
    expected: { windowSeconds: 604_800, timeAggregation: 'max' },
  },
];

describe('parseMonitorQuery', () => {
  for (const { desc, input, expected, canonical } of parseCases) {
    it(desc, () => {
      const r = parseMonitorQuery(input);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value).toMatchObject(expected);
      expect(formatMonitorQuery(r.value)).toBe(canonical ?? input);
    });
  }

  const bad = [
    {
      desc: 'bad window',
      input: 'avg(last_5x):m{*} > 1',
      expected: {
        from: 4,
        to: 11,
        message: "expected a time window like last_5m, last_1h, last_1d or last_1w but found 'last_5x'",
      },
    },
    {
      desc: 'no comparator',
      input: 'avg(last_5m):m{*}',
      expected: {
        from: 17,
        to: 17,
        message: 'expected a comparator (> >= < <= == !=) but found end of input',
      },
    },
    {
      desc: 'unknown time aggregation',
      input: 'median(last_5m):m{*} > 1',
      expected: {
        from: 0,
        to: 6,
        message: "expected a time aggregation (avg, sum, min, max) but found 'median'",
      },
    },
    {
      desc: 'no threshold',
      input: 'avg(last_5m):m{*} >',
      expected: { from: 19, to: 19, message: 'expected a threshold number but found end of input' },
    },
    {
      desc: 'no colon',
      input: 'avg(last_5m) m{*} > 1',
      expected: { from: 13, to: 14, message: "expected ':' after the time aggregation but found 'm'" },
    },
  ];
  for (const { desc, input, expected } of bad) {
    it(`error: ${desc}`, () => expect(parseMonitorQuery(input)).toEqual({ ok: false, error: expected }));
  }
});

function monitor(text: string): MonitorQuery {
  const r = parseMonitorQuery(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const now = 6000;
// host a: every 45 s, value = t - 5700 inside the window; a point at `now` itself belongs to the next run
const aPoints: [number, number][] = [];
for (let t = 5400; t < 6000; t += 45) aPoints.push([t, t - 5700]);
aPoints.push([6000, 1e6]);
const source = memorySource([
  gauge('my_metric', ['host:a'], aPoints, 45),
  gauge(
    'my_metric',
    ['host:b'],
    [
      [5880, 900],
      [5990, 1000],
    ],
  ),
  gauge(
    'x',
    [],
    [
      ...Array.from({ length: 30 }, (_, i): [number, number] => [5400 + i * 10, 10]),
      ...Array.from({ length: 30 }, (_, i): [number, number] => [5700 + i * 10, 25]),
    ],
  ),
  gauge(
    's',
    [],
    Array.from({ length: 120 }, (_, i): [number, number] => [4800 + i * 10, i >= 117 ? 100 : 10]),
  ),
]);

describe('evaluateMonitor', () => {
  const table: { desc: string; input: string; expected: unknown }[] = [
    {
      desc: 'avg over the last 5 minutes per host, with the full-window facts',
      input: 'avg(last_5m):avg:my_metric{*} by {host} > 800',
      expected: [
        // 15, 60, …, 285 (7 points)
        {
          group: 'host:a',
          tags: ['host:a'],
          value: 150,
          pointCount: 7,
          firstBucketHasData: true,
          emptyBuckets: 0,
          buckets: 5,
        },
        {
          group: 'host:b',
          tags: ['host:b'],
          value: 950,
          pointCount: 2,
          firstBucketHasData: false,
          emptyBuckets: 3,
          buckets: 5,
        },
      ],
    },
    {
      desc: 'sum / min / max time aggregation',
      input: 'sum(last_5m):avg:my_metric{host:a} > 0',
      expected: [
        {
          group: '*',
          tags: [],
          value: 1050,
          pointCount: 7,
          firstBucketHasData: true,
          emptyBuckets: 0,
          buckets: 5,
        },
      ],
    },
    {
      desc: 'min',
      input: 'min(last_5m):avg:my_metric{host:a} > 0',
      expected: [expect.objectContaining({ value: 15 })],
    },
    {
      desc: 'max',
      input: 'max(last_5m):avg:my_metric{host:a} > 0',
      expected: [expect.objectContaining({ value: 285 })],
    },
    {
      desc: 'change against the previous window',
      input: 'change(avg(last_5m),last_5m):avg:x{*} > 0',
      expected: [expect.objectContaining({ value: 15 })],
    },
    {
      desc: 'pct_change',
      input: 'pct_change(avg(last_5m),last_5m):avg:x{*} > 0',
      expected: [expect.objectContaining({ value: 150 })],
    },
    {
      desc: 'anomaly monitor: the fraction of anomalous points in the window',
      input: "avg(last_5m):anomalies(avg:s{*}, 'basic', 2) >= 0.05",
      // 30 points in the window, the last 3 jump above a flat band
      expected: [expect.objectContaining({ value: 0.1, pointCount: 30 })],
    },
    {
      desc: 'anomaly monitor, direction below: nothing anomalous',
      input: "avg(last_5m):anomalies(avg:s{*}, 'basic', 2, direction='below') >= 0.05",
      expected: [expect.objectContaining({ value: 0 })],
    },
    { desc: 'a silent metric has no group', input: 'avg(last_5m):avg:nothing{*} > 1', expected: [] },
  ];
  for (const { desc, input, expected } of table) {
    it(desc, () => expect(evaluateMonitor(monitor(input), { source, now }).groups).toEqual(expected));
  }

  it('an hour window uses 10-minute buckets (data only in the last one)', () => {
    const r = evaluateMonitor(monitor('avg(last_1h):avg:my_metric{host:a} > 1'), { source, now });
    expect(r.groups[0]).toMatchObject({ buckets: 6, emptyBuckets: 5, firstBucketHasData: false });
  });

  it('reports now in milliseconds and a failing source instead of throwing', () => {
    const m = monitor('avg(last_5m):avg:my_metric{*} > 1');
    expect(evaluateMonitor(m, { source, now: 1_700_000_000_000 }).error).toBe(
      'now=1700000000000 looks like milliseconds; pass UNIX seconds',
    );
    const broken = {
      series: () => {
        throw new Error('store closed');
      },
    };
    expect(evaluateMonitor(m, { source: broken, now })).toEqual({
      groups: [],
      error: 'evaluation failed: store closed',
    });
  });

  it('reports an unsubstituted template variable instead of throwing', () => {
    expect(evaluateMonitor(monitor('avg(last_5m):avg:my_metric{$host} > 1'), { source, now })).toEqual({
      groups: [],
      error: 'template variable $host has no value',
    });
  });
});

describe('compare', () => {
  const table = [
    { input: [801, '>', 800], expected: true },
    { input: [800, '>', 800], expected: false },
    { input: [800, '>=', 800], expected: true },
    { input: [1, '<', 2], expected: true },
    { input: [2, '<=', 2], expected: true },
    { input: [2, '==', 2], expected: true },
    { input: [2, '!=', 2], expected: false },
  ] as const;
  for (const { input, expected } of table) {
    it(`${input.join(' ')} is ${expected}`, () =>
      expect(compare(input[0], input[1], input[2])).toBe(expected));
  }
});
