/** Metric queries by hand: rollups, space aggregation, rates and counts, scopes, arithmetic, fill. */
import { describe } from 'vitest';
import { type Case, itEvaluates, pts } from './evaluate.fixtures.ts';

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
];

describe('evaluate: metric queries, hand-computed', () => itEvaluates(cases));
