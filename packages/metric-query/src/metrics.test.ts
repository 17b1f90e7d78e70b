import { describe, expect, it } from 'vitest';
import { metricsOf } from './metrics.ts';
import { parseMonitorQuery } from './monitor-parser.ts';
import { parse } from './parser.ts';

const table = [
  { desc: 'one metric', input: 'avg:my_metric{host:$host}', expected: ['my_metric'] },
  {
    desc: 'inside a function',
    input: "anomalies(avg:postgresql.rows_fetched{*}, 'basic', 2)",
    expected: ['postgresql.rows_fetched'],
  },
  { desc: 'arithmetic, each once, in order', input: 'sum:b{*} / sum:a{*} + sum:b{*}', expected: ['b', 'a'] },
  { desc: 'numbers only', input: '1 + 2', expected: [] },
];

describe('metricsOf', () => {
  for (const { desc, input, expected } of table) {
    it(desc, () => {
      const r = parse(input);
      expect(r.ok && metricsOf(r.value)).toEqual(expected);
    });
  }
  it('of a monitor query', () => {
    const m = parseMonitorQuery('avg(last_5m):avg:my_metric{*} by {host} > 800');
    expect(m.ok && metricsOf(m.value.query)).toEqual(['my_metric']);
  });
});
