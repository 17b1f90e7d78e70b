import { describe, expect, it } from 'vitest';
import { gauge, memorySource } from './memory-source.ts';
import { evaluate } from './query.ts';
import type { Point } from './response.ts';
import { defaultInterval } from './rollup.ts';
import type { DistributionRequest, SeriesData } from './source.ts';

const ms = (s: number) => s * 1000;
const pts = (pairs: [number, number][]): Point[] => pairs.map(([t, v]) => [ms(t), v]);

/** Points t0, t0+step, … with the given values. */
function every(t0: number, step: number, values: number[]): [number, number][] {
  return values.map((v, i) => [t0 + i * step, v]);
}

function rate(metric: string, tags: string[], points: [number, number][], interval = 10): SeriesData {
  return {
    metric,
    tags,
    type: 'rate',
    interval,
    times: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}
function count(metric: string, tags: string[], points: [number, number][], interval = 10): SeriesData {
  return {
    metric,
    tags,
    type: 'count',
    interval,
    times: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}

const source = memorySource([
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

interface Case {
  desc: string;
  input: string;
  from: number;
  to: number;
  interval?: number;
  expected: { tag_set: string[]; pointlist: Point[] }[];
}

const cases: Case[] = [
  {
    desc: 'rollup sum buckets are aligned to UNIX time, not to the window',
    input: 'avg:m{*}.rollup(sum, 60)',
    from: 1000,
    to: 1090,
    // [960,1020): 1+2; [1020,1080): 3+…+8; [1080,1140): 9+10
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [960, 3],
          [1020, 33],
          [1080, 19],
        ]),
      },
    ],
  },
  {
    desc: 'rollup max / min / count',
    input: 'max:m{*}.rollup(max, 60) + min:m{*}.rollup(min, 60) * 0 + count:m{*}.rollup(count, 60) * 0',
    from: 1000,
    to: 1090,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [960, 2],
          [1020, 8],
          [1080, 10],
        ]),
      },
    ],
  },
  {
    desc: 'avg rollup at the given interval',
    input: 'avg:m{*}',
    from: 1000,
    to: 1090,
    interval: 30,
    // [990,1020): 1,2; [1020,1050): 3,4,5; [1050,1080): 6,7,8; [1080,1110): 9,10
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [990, 1.5],
          [1020, 4],
          [1050, 7],
          [1080, 9.5],
        ]),
      },
    ],
  },
  {
    desc: 'space aggregation interpolates a sparser series to align points',
    input: 'avg:i{*}',
    from: 0,
    to: 30,
    interval: 10,
    // b is 110 at t=10 and 120 at t=20 by interpolation
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 50],
          [10, 60],
          [20, 70],
          [30, 80],
        ]),
      },
    ],
  },
  {
    desc: 'by {host} keeps each series as it is (no interpolation inside one series)',
    input: 'avg:i{*} by {host}',
    from: 0,
    to: 30,
    interval: 10,
    expected: [
      {
        tag_set: ['host:a'],
        pointlist: pts([
          [0, 0],
          [10, 10],
          [20, 20],
          [30, 30],
        ]),
      },
      {
        tag_set: ['host:b'],
        pointlist: pts([
          [0, 100],
          [30, 130],
        ]),
      },
    ],
  },
  {
    desc: 'as_count turns a DogStatsD rate back into counts (rate x interval, summed)',
    input: 'sum:hits{service:api}.as_count()',
    from: 0,
    to: 59,
    interval: 60,
    // 6 x 0.5 x 10 + (0.1+…+0.6) x 10 = 30 + 21
    expected: [{ tag_set: [], pointlist: pts([[0, 51]]) }],
  },
  {
    desc: 'as_count by resource',
    input: 'sum:hits{service:api} by {resource_name}.as_count()',
    from: 0,
    to: 59,
    interval: 60,
    expected: [
      { tag_set: ['resource_name:get_/'], pointlist: pts([[0, 30]]) },
      { tag_set: ['resource_name:post_/notes'], pointlist: pts([[0, 21]]) },
    ],
  },
  {
    desc: 'a rate without as_count is shown per second (averaged)',
    input: 'sum:hits{resource_name:get_/}',
    from: 0,
    to: 59,
    interval: 60,
    expected: [{ tag_set: [], pointlist: pts([[0, 0.5]]) }],
  },
  {
    desc: 'a count metric is summed; as_rate divides by the bucket',
    input: 'sum:jobs{*} + sum:jobs{*}.as_rate() * 1000',
    from: 0,
    to: 59,
    interval: 60,
    // 30 + 30/60*1000
    expected: [{ tag_set: [], pointlist: pts([[0, 530]]) }],
  },
  {
    desc: 'group by a tag; a missing tag groups as N/A',
    input: 'sum:cpu{*} by {env}',
    from: 0,
    to: 0,
    interval: 10,
    expected: [
      { tag_set: ['env:N/A'], pointlist: pts([[0, 80]]) },
      { tag_set: ['env:prod'], pointlist: pts([[0, 70]]) },
    ],
  },
  {
    desc: 'wildcard scope',
    input: 'sum:cpu{host:web-*}',
    from: 0,
    to: 0,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[0, 30]]) }],
  },
  {
    desc: 'negation in a comma list',
    input: 'sum:cpu{env:prod,!role:web}',
    from: 0,
    to: 0,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[0, 40]]) }],
  },
  {
    desc: 'boolean scope',
    input: 'sum:cpu{(role:db OR role:cache) AND NOT host:db-1}',
    from: 0,
    to: 0,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[0, 80]]) }],
  },
  {
    desc: 'IN and NOT IN lists (a series without the tag is NOT IN)',
    input: 'sum:cpu{role IN (db, cache)} * 1000 + sum:cpu{env NOT IN (prod)}',
    from: 0,
    to: 0,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[0, 120_080]]) }],
  },
  {
    desc: 'max and p50 across series',
    input: 'max:cpu{*} + p50:cpu{*}',
    from: 0,
    to: 0,
    interval: 10,
    // 80 + median(10,20,40,80)=30
    expected: [{ tag_set: [], pointlist: pts([[0, 110]]) }],
  },
  {
    desc: 'arithmetic: a missing point or a zero divisor leaves no point',
    input: 'avg:num{*} / avg:den{*} * 100',
    from: 0,
    to: 20,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[0, 500]]) }],
  },
  {
    desc: 'arithmetic: an ungrouped side applies to every group',
    input: 'sum:cpu{*} by {role} / sum:cpu{*} * 100',
    from: 0,
    to: 0,
    interval: 10,
    // total 150
    expected: [
      { tag_set: ['role:cache'], pointlist: pts([[0, (80 / 150) * 100]]) },
      { tag_set: ['role:db'], pointlist: pts([[0, (40 / 150) * 100]]) },
      { tag_set: ['role:web'], pointlist: pts([[0, (30 / 150) * 100]]) },
    ],
  },
  {
    desc: 'unary minus and number arithmetic',
    input: '-avg:num{*} + 2 * 3',
    from: 0,
    to: 20,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, -4],
          [10, -14],
          [20, -24],
        ]),
      },
    ],
  },
  {
    desc: 'fill(zero) fills empty buckets',
    input: 'sum:den{*}.fill(zero)',
    from: 0,
    to: 20,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 2],
          [10, 0],
          [20, 0],
        ]),
      },
    ],
  },
  {
    desc: 'fill(linear) bridges a gap',
    input: 'sum:i{host:b}.fill(linear)',
    from: 0,
    to: 30,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 100],
          [10, 110],
          [20, 120],
          [30, 130],
        ]),
      },
    ],
  },
  {
    desc: 'diff and cumsum',
    input: 'diff(avg:m{*}) + cumsum(avg:m{*}) * 0 + cumsum(avg:m{*})',
    from: 1000,
    to: 1030,
    interval: 10,
    // diff needs the point before the window; none before t=1000 -> no point at 1000
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [1010, 1 + 3],
          [1020, 1 + 6],
          [1030, 1 + 10],
        ]),
      },
    ],
  },
  {
    desc: 'diff reads one bucket of history before the window',
    input: 'diff(avg:m{*})',
    from: 1010,
    to: 1020,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [1010, 1],
          [1020, 1],
        ]),
      },
    ],
  },
  {
    desc: 'derivative is per second; integral multiplies by the seconds between points',
    input: 'derivative(avg:num{*}) + integral(avg:num{*}) * 0',
    from: 0,
    to: 20,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [10, 1],
          [20, 1],
        ]),
      },
    ],
  },
  {
    desc: 'timeshift reads the past and stamps it now',
    input: 'timeshift(avg:m{*}, -30)',
    from: 1030,
    to: 1050,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [1030, 1],
          [1040, 2],
          [1050, 3],
        ]),
      },
    ],
  },
  {
    desc: 'top 2 by mean, descending',
    input: "top(avg:cpu{*} by {host}, 2, 'mean', 'desc')",
    from: 0,
    to: 0,
    interval: 10,
    expected: [
      { tag_set: ['host:cache-1'], pointlist: pts([[0, 80]]) },
      { tag_set: ['host:db-1'], pointlist: pts([[0, 40]]) },
    ],
  },
  {
    desc: 'ewma_3 (alpha 0.5) and median_3',
    input: 'ewma_3(avg:num{*}) + median_3(avg:num{*}) * 0',
    from: 0,
    to: 20,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 10],
          [10, 15],
          [20, 22.5],
        ]),
      },
    ],
  },
  {
    desc: 'median_3 is centred',
    input: 'median_3(avg:den{*} + avg:num{*})',
    from: 0,
    to: 20,
    interval: 10,
    // den+num = 12 at 0, none at 10, 30 at 20 -> medians of {12,30} = 21 at both
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 21],
          [20, 21],
        ]),
      },
    ],
  },
  {
    desc: 'per_minute of a count per 60 s bucket',
    input: 'per_minute(sum:jobs{*})',
    from: 0,
    to: 59,
    interval: 60,
    expected: [{ tag_set: [], pointlist: pts([[0, 30]]) }],
  },
  {
    desc: 'moving_rollup sums the trailing window',
    input: "moving_rollup(avg:m{*}, 30, 'sum')",
    from: 1020,
    to: 1030,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [1020, 6],
          [1030, 9],
        ]),
      },
    ],
  },
  {
    desc: 'moving_rollup max, avg (default) and min',
    input:
      "moving_rollup(avg:m{*}, 30, 'max') * 100 + moving_rollup(avg:m{*}, 30) * 10 + moving_rollup(avg:m{*}, 30, 'min')",
    from: 1020,
    to: 1040,
    interval: 10,
    // windows {1,2,3}, {2,3,4}, {3,4,5}
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [1020, 321],
          [1030, 432],
          [1040, 543],
        ]),
      },
    ],
  },
  {
    desc: "moving_rollup 'median'",
    input: "moving_rollup(avg:m{*}, 40, 'median')",
    from: 1030,
    to: 1030,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[1030, 2.5]]) }],
  },
  {
    desc: 'clamp_min, clamp_max, cutoff_min',
    input: 'clamp_min(avg:num{*}, 15) * 100 + clamp_max(avg:num{*}, 15) + cutoff_min(avg:num{*}, 20) * 0',
    from: 0,
    to: 20,
    interval: 10,
    // cutoff_min drops 10 at t=0, so only t=10 and t=20 remain
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [10, 2000 + 15],
          [20, 3000 + 15],
        ]),
      },
    ],
  },
  {
    desc: 'default_zero fills the empty bucket',
    input: 'default_zero(avg:den{*})',
    from: 0,
    to: 20,
    interval: 10,
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 2],
          [10, 0],
          [20, 0],
        ]),
      },
    ],
  },
  {
    desc: 'count_nonzero and count_not_null across groups',
    input: 'count_not_null(avg:i{*} by {host}) * 10 + count_nonzero(avg:i{*} by {host})',
    from: 0,
    to: 30,
    interval: 10,
    // t=0: a=0 (not null, zero), b=100; t=10,20: only a; t=30: both
    expected: [
      {
        tag_set: [],
        pointlist: pts([
          [0, 21],
          [10, 11],
          [20, 11],
          [30, 22],
        ]),
      },
    ],
  },
  {
    desc: 'abs / log10',
    input: 'log10(abs(-avg:num{*}))',
    from: 0,
    to: 0,
    interval: 10,
    expected: [{ tag_set: [], pointlist: pts([[0, 1]]) }],
  },
  {
    desc: 'no matching series gives an empty series list',
    input: 'avg:nothing{*}',
    from: 0,
    to: 100,
    expected: [],
  },
];

describe('evaluate: hand-computed results', () => {
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
});

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
