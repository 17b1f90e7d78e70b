import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { format } from './format.ts';
import { parse } from './parser.ts';

const metric = (metricName: string, over: Partial<Extract<Expr, { kind: 'metric' }>> = {}): Expr => ({
  kind: 'metric',
  aggregator: 'avg',
  metric: metricName,
  scope: { kind: 'all' },
  groupBy: [],
  modifiers: [],
  ...over,
});

/** query -> AST -> canonical text, for every query the challenge, the seed and our dashboards use. */
const golden: { desc: string; input: string; expected: Expr; canonical?: string }[] = [
  {
    desc: 'template variable as a tag value (the challenge dashboard widget)',
    input: 'avg:my_metric{host:$host}',
    expected: metric('my_metric', { scope: { kind: 'tag', key: 'host', value: '$host', negated: false } }),
  },
  {
    desc: 'template-variable scope',
    input: 'avg:my_metric{$host}',
    expected: metric('my_metric', { scope: { kind: 'var', name: 'host' } }),
  },
  {
    desc: 'template variable as a tag value',
    input: 'avg:my_metric{host:$host.value}',
    expected: metric('my_metric', {
      scope: { kind: 'tag', key: 'host', value: '$host.value', negated: false },
    }),
  },
  {
    desc: 'anomalies on a postgres metric',
    input: "anomalies(avg:postgresql.rows_fetched{*}, 'basic', 2)",
    expected: {
      kind: 'call',
      name: 'anomalies',
      args: [
        metric('postgresql.rows_fetched'),
        { kind: 'string', value: 'basic' },
        { kind: 'number', value: 2 },
      ],
      kwargs: [],
    },
  },
  {
    desc: 'hourly rollup sum',
    input: 'avg:my_metric{*}.rollup(sum, 3600)',
    expected: metric('my_metric', { modifiers: [{ kind: 'rollup', method: 'sum', seconds: 3600 }] }),
  },
  {
    desc: 'seed: rollup over the host scope',
    input: 'avg:my_metric{host:Fannys-MacBook-Air.local}.rollup(sum, 3600)',
    expected: metric('my_metric', {
      scope: { kind: 'tag', key: 'host', value: 'Fannys-MacBook-Air.local', negated: false },
      modifiers: [{ kind: 'rollup', method: 'sum', seconds: 3600 }],
    }),
  },
  {
    desc: 'APM hits as counts by resource',
    input: 'sum:trace.fastify.request.hits{service:traced-api} by {resource_name}.as_count()',
    expected: metric('trace.fastify.request.hits', {
      aggregator: 'sum',
      scope: { kind: 'tag', key: 'service', value: 'traced-api', negated: false },
      groupBy: ['resource_name'],
      modifiers: [{ kind: 'as_count' }],
    }),
  },
  {
    desc: 'p95 of a distribution',
    input: 'p95:trace.fastify.request{service:traced-api}',
    expected: metric('trace.fastify.request', {
      aggregator: 'p95',
      scope: { kind: 'tag', key: 'service', value: 'traced-api', negated: false },
    }),
  },
  {
    desc: 'cpu by host',
    input: 'avg:system.cpu.user{*} by {host}',
    expected: metric('system.cpu.user', { groupBy: ['host'] }),
  },
  {
    desc: 'no space aggregator (seed monitor query body)',
    input: 'my_metric{host:Fannys-MacBook-Air.local}',
    expected: metric('my_metric', {
      aggregator: null,
      scope: { kind: 'tag', key: 'host', value: 'Fannys-MacBook-Air.local', negated: false },
    }),
  },
  {
    desc: 'boolean scope with spacing normalised',
    input: 'avg:m{ env:prod  AND (role:db OR role:cache) AND NOT host:x }',
    canonical: 'avg:m{env:prod AND (role:db OR role:cache) AND NOT host:x}',
    expected: metric('m', {
      scope: {
        kind: 'and',
        comma: false,
        operands: [
          { kind: 'tag', key: 'env', value: 'prod', negated: false },
          {
            kind: 'or',
            operands: [
              { kind: 'tag', key: 'role', value: 'db', negated: false },
              { kind: 'tag', key: 'role', value: 'cache', negated: false },
            ],
          },
          { kind: 'not', operand: { kind: 'tag', key: 'host', value: 'x', negated: false } },
        ],
      },
    }),
  },
  {
    desc: 'comma list, negation, wildcard',
    input: 'sum:m{env:prod, !host:web-*,role:db}by{host,env}',
    canonical: 'sum:m{env:prod,!host:web-*,role:db} by {host,env}',
    expected: metric('m', {
      aggregator: 'sum',
      scope: {
        kind: 'and',
        comma: true,
        operands: [
          { kind: 'tag', key: 'env', value: 'prod', negated: false },
          { kind: 'tag', key: 'host', value: 'web-*', negated: true },
          { kind: 'tag', key: 'role', value: 'db', negated: false },
        ],
      },
      groupBy: ['host', 'env'],
    }),
  },
  {
    desc: 'arithmetic precedence and parentheses',
    input: '(avg:a{*} - avg:b{*}) / avg:b{*} * 100',
    expected: {
      kind: 'binary',
      op: '*',
      left: {
        kind: 'binary',
        op: '/',
        left: { kind: 'binary', op: '-', left: metric('a'), right: metric('b') },
        right: metric('b'),
      },
      right: { kind: 'number', value: 100 },
    },
  },
  {
    desc: 'keyword arguments of an anomaly monitor',
    input: "anomalies(avg:m{*}, 'basic', 3, direction='above', alert_window='last_5m', interval=20)",
    expected: {
      kind: 'call',
      name: 'anomalies',
      args: [metric('m'), { kind: 'string', value: 'basic' }, { kind: 'number', value: 3 }],
      kwargs: [
        { name: 'direction', value: 'above' },
        { name: 'alert_window', value: 'last_5m' },
        { name: 'interval', value: 20 },
      ],
    },
  },
  {
    desc: 'timeshift with a negative shift',
    input: 'timeshift(avg:m{*},-3600)',
    canonical: 'timeshift(avg:m{*}, -3600)',
    expected: {
      kind: 'call',
      name: 'timeshift',
      args: [metric('m'), { kind: 'number', value: -3600 }],
      kwargs: [],
    },
  },
  {
    desc: 'modifiers before by are moved after it',
    input: 'sum:m{*}.as_count() by {host}',
    canonical: 'sum:m{*} by {host}.as_count()',
    expected: metric('m', { aggregator: 'sum', groupBy: ['host'], modifiers: [{ kind: 'as_count' }] }),
  },
  {
    desc: 'fill with a limit and as_rate',
    input: 'sum:m{*}.fill(zero, 60).as_rate()',
    expected: metric('m', {
      aggregator: 'sum',
      modifiers: [{ kind: 'fill', mode: 'zero', limit: 60 }, { kind: 'as_rate' }],
    }),
  },
];

describe('golden corpus: query -> AST -> canonical text', () => {
  for (const { desc, input, expected, canonical } of golden) {
    it(desc, () => {
      const r = parse(input);
      expect(r).toEqual({ ok: true, value: expected });
      expect(format(expected)).toBe(canonical ?? input);
    });
  }
});

/** Widget and monitor queries of the official client's examples (datadog-api-client-typescript). */
const clientExamples = [
  'avg:system.cpu.user{*} by {env}',
  'avg:system.mem.used{*} by {service}',
  'avg:dd{*} by {org_id}.as_count()',
  'sum:httpservice.errors{*}.as_count()',
  'sum:trace.test.errors{env:prod,service:datadog-api-spec} by {resource_name}.as_count()',
  'p90:dist.dd.dogweb.latency{*}',
  'max:container.cpu.usage{*} by {kube_cluster_name}.rollup(max)',
  'avg:datadog.estimated_usage.metrics.custom{*}',
  'sum:aws.cost.net.amortized.shared.resources.allocated{aws_product IN (amplify, athena, backup, bedrock)} by {aws_product}.rollup(sum, 86400)',
];

describe("the official client's example queries", () => {
  for (const q of clientExamples) {
    it(q, () => {
      const r = parse(q);
      expect(r.ok && format(r.value)).toBe(q);
    });
  }
  it('IN lists normalise their spacing', () => {
    const r = parse('sum:m{aws_product IN (amplify ,athena, backup, bedrock ) }');
    expect(r).toEqual({
      ok: true,
      value: metric('m', {
        aggregator: 'sum',
        scope: {
          kind: 'in',
          key: 'aws_product',
          values: ['amplify', 'athena', 'backup', 'bedrock'],
          negated: false,
        },
      }),
    });
  });
  it('NOT IN', () => {
    const r = parse('sum:m{env:prod AND host NOT IN (a, b)}');
    expect(r.ok && format(r.value)).toBe('sum:m{env:prod AND host NOT IN (a, b)}');
  });
});

const moreQueries = [
  "top(avg:system.cpu.user{*} by {host}, 10, 'mean', 'desc')",
  "moving_rollup(avg:m{*}, 300, 'max')",
  'ewma_10(avg:m{*})',
  'median_5(avg:m{*})',
  'abs(log2(avg:m{*}))',
  'cumsum(sum:m{*}.as_count())',
  'integral(avg:m{*})',
  'derivative(avg:m{*})',
  'per_minute(sum:m{*})',
  'hour_before(avg:m{*}) - avg:m{*}',
  'week_before(avg:m{*})',
  '-avg:m{*}',
  'avg:m{*} - -3',
  'count:m{*}',
  'p99.9:m{*}',
];

describe('more canonical round trips', () => {
  for (const q of moreQueries) {
    it(q, () => {
      const r = parse(q);
      expect(r.ok).toBe(true);
      if (r.ok) expect(format(r.value)).toBe(q);
    });
  }
});
