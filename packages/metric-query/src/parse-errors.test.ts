/** Parse errors: each a value naming the position and what was expected. */
import { describe, expect, it } from 'vitest';
import { parse } from './parser.ts';

const bad: { desc: string; input: string; expected: { from: number; to: number; message: string } }[] = [
  {
    desc: 'empty',
    input: '',
    expected: { from: 0, to: 0, message: 'expected a query but the input is empty' },
  },
  {
    desc: 'unknown function',
    input: 'forecast(avg:m{*})',
    expected: { from: 0, to: 8, message: "unknown function 'forecast'" },
  },
  {
    desc: 'unknown function with a near name',
    input: 'anomaly(avg:m{*})',
    expected: { from: 0, to: 7, message: "unknown function 'anomaly' (did you mean anomalies?)" },
  },
  {
    desc: 'unknown span of a function family',
    input: 'ewma_4(avg:m{*})',
    expected: {
      from: 0,
      to: 6,
      message: "unknown function 'ewma_4' (did you mean ewma_3, ewma_5, ewma_10, ewma_20?)",
    },
  },
  {
    desc: 'unquoted string argument',
    input: 'anomalies(avg:m{*}, basic, 2)',
    expected: {
      from: 20,
      to: 25,
      message: "argument 2 (algorithm) of anomalies() must be a quoted string: 'basic'",
    },
  },
  {
    desc: 'wrong arity',
    input: "anomalies(avg:m{*}, 'basic')",
    expected: {
      from: 0,
      to: 28,
      message: 'anomalies() takes 3 arguments, anomalies(query, algorithm, bounds), but got 2',
    },
  },
  {
    desc: 'optional arguments in the arity message',
    input: 'top(avg:m{*})',
    expected: {
      from: 0,
      to: 13,
      message: 'top() takes 2 to 4 arguments, top(query, limit[, by[, dir]]), but got 1',
    },
  },
  {
    desc: 'bad algorithm',
    input: "anomalies(avg:m{*}, 'magic', 2)",
    expected: {
      from: 20,
      to: 27,
      message:
        "argument 2 (algorithm) of anomalies() must be one of 'basic', 'agile', 'robust' but found 'magic'",
    },
  },
  {
    desc: 'unknown keyword argument',
    input: "anomalies(avg:m{*}, 'basic', 2, colour='red')",
    expected: {
      from: 32,
      to: 38,
      message:
        "unknown keyword argument 'colour' for anomalies() (expected direction, alert_window, interval, count_default_zero, seasonality, timezone)",
    },
  },
  {
    desc: 'unclosed scope',
    input: 'avg:m{host:a',
    expected: { from: 12, to: 12, message: "expected '}' to close the scope but found end of input" },
  },
  {
    desc: 'missing scope',
    input: 'avg:m',
    expected: { from: 5, to: 5, message: "expected '{' after metric name 'm' but found end of input" },
  },
  {
    desc: 'unknown modifier',
    input: 'avg:m{*}.rollups(sum)',
    expected: {
      from: 9,
      to: 16,
      message: "unknown modifier '.rollups()' (expected rollup, as_count, as_rate or fill)",
    },
  },
  {
    desc: 'bad rollup method',
    input: 'avg:m{*}.rollup(mean, 60)',
    expected: {
      from: 16,
      to: 20,
      message: "expected a rollup method (avg, sum, min, max, count) but found 'mean'",
    },
  },
  {
    desc: 'trailing operator',
    input: 'avg:m{*} +',
    expected: {
      from: 10,
      to: 10,
      message: "expected a metric query, a number, a function call or '(' but found end of input",
    },
  },
  {
    desc: 'comparison outside a monitor',
    input: 'avg:m{*} > 5',
    expected: {
      from: 9,
      to: 10,
      message: "expected an operator or end of input but found '>' (comparisons belong to monitor queries)",
    },
  },
  {
    desc: 'monitor time aggregation used as a function',
    input: 'avg(last_5m)',
    expected: {
      from: 0,
      to: 3,
      message:
        "unknown function 'avg' ('avg(…):' is a monitor time aggregation; a query reads 'avg:metric{…}')",
    },
  },
  {
    desc: 'deep nesting is bounded',
    input: `${'('.repeat(100)}avg:m{*}${')'.repeat(100)}`,
    expected: { from: 64, to: 65, message: 'query is nested more than 64 levels deep' },
  },
  {
    desc: 'IN list without a comma',
    input: 'avg:m{host IN (a b)}',
    expected: { from: 17, to: 18, message: "expected ',' or ')' in 'IN (…)' but found 'b'" },
  },
  {
    desc: 'IN list with a keyword for a value',
    input: 'avg:m{host IN (a, AND)}',
    expected: { from: 18, to: 21, message: "expected a tag value in 'IN (…)' but found 'AND'" },
  },
  {
    desc: 'by list without a comma',
    input: 'avg:m{*} by {host env}',
    expected: { from: 18, to: 21, message: "expected ',' or '}' in 'by {…}' but found 'env'" },
  },
  {
    desc: 'by list with a wildcard key',
    input: 'avg:m{*} by {h*}',
    expected: { from: 13, to: 15, message: "expected a tag key in 'by {…}' but found 'h*'" },
  },
];

describe('parse errors are values with position and expectation', () => {
  for (const { desc, input, expected } of bad) {
    it(desc, () => {
      expect(parse(input)).toEqual({ ok: false, error: expected });
    });
  }
});
