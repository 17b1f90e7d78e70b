/** Functions by hand: diff, derivative, timeshift, top, ewma/median, moving_rollup, clamp, counts. */
import { describe } from 'vitest';
import { type Case, itEvaluates, pts } from './evaluate.fixtures.ts';

const cases: Case[] = [
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

describe('evaluate: functions, hand-computed', () => itEvaluates(cases));
