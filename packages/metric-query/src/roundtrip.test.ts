import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, KeywordArg, MetricExpr, Modifier, MonitorQuery, Scope } from './ast.ts';
import { format, formatMonitorQuery } from './format.ts';
import { gauge, memorySource } from './memory-source.ts';
import { parseMonitorQuery } from './monitor-parser.ts';
import { parse } from './parser.ts';
import { evaluate } from './query.ts';
import { SIGNATURES } from './signatures.ts';

const KEYWORDS = new Set(['and', 'or', 'not', 'in']);
const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.[a-z][a-z0-9_]{0,5}){0,2}$/);
const tagKey = fc.stringMatching(/^[a-z][a-z0-9_.\-/]{0,8}$/);
const tagValue = fc.stringMatching(/^[a-zA-Z0-9_.\-/:*]{1,8}$/);
const bareTag = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/).filter((s) => !KEYWORDS.has(s));

const tag: fc.Arbitrary<Scope> = fc.oneof(
  fc.record({ kind: fc.constant('tag' as const), key: tagKey, value: tagValue, negated: fc.boolean() }),
  fc.record({
    kind: fc.constant('tag' as const),
    key: fc.constant(null),
    value: bareTag,
    negated: fc.boolean(),
  }),
);
const leaf: fc.Arbitrary<Scope> = fc.oneof(
  { weight: 4, arbitrary: tag },
  { weight: 1, arbitrary: fc.constant<Scope>({ kind: 'all' }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('var' as const),
      name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('in' as const),
      key: bareTag,
      values: fc.array(
        tagValue.filter((v) => !KEYWORDS.has(v.toLowerCase())),
        { minLength: 1, maxLength: 3 },
      ),
      negated: fc.boolean(),
    }),
  },
);
const { scope } = fc.letrec<{ scope: Scope }>((tie) => ({
  scope: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('not' as const), operand: tie('scope') }),
    fc.record({
      kind: fc.constant('and' as const),
      operands: fc.array(tie('scope'), { minLength: 2, maxLength: 3 }),
      comma: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('or' as const),
      operands: fc.array(tie('scope'), { minLength: 2, maxLength: 3 }),
    }),
  ),
}));

const modifier: fc.Arbitrary<Modifier> = fc.oneof(
  fc.record({
    kind: fc.constant('rollup' as const),
    method: fc.constantFrom('avg', 'sum', 'min', 'max', 'count'),
    seconds: fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: null }),
  }),
  fc.constant<Modifier>({ kind: 'as_count' }),
  fc.constant<Modifier>({ kind: 'as_rate' }),
  fc.record({
    kind: fc.constant('fill' as const),
    mode: fc.constantFrom('null', 'zero', 'linear', 'last'),
    limit: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: null }),
  }),
);

const metric: fc.Arbitrary<MetricExpr> = fc.record({
  kind: fc.constant('metric' as const),
  aggregator: fc.constantFrom(null, 'avg', 'sum', 'min', 'max', 'count', 'p95', 'p99.9'),
  // 'm' often, so the evaluation property below meets real data
  metric: fc.oneof(fc.constant('m'), ident),
  scope,
  groupBy: fc.array(tagKey, { maxLength: 2 }),
  modifiers: fc.array(modifier, { maxLength: 2 }),
});

const num = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const positive = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.5, max: 1e6, noNaN: true }));

function call(query: fc.Arbitrary<Expr>): fc.Arbitrary<Expr> {
  const unaryNames = Object.keys(SIGNATURES).filter((n) => SIGNATURES[n]!.params.length === 1);
  const str = (value: string): Expr => ({ kind: 'string', value });
  const kw: fc.Arbitrary<KeywordArg[]> = fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(
        'direction',
        'alert_window',
        'interval',
        'count_default_zero',
        'seasonality',
        'timezone',
      ),
      value: fc.oneof(fc.stringMatching(/^[a-z_0-9]{0,8}$/), fc.integer({ min: -100, max: 100 })),
    }),
    { selector: (k) => k.name, maxLength: 3 },
  );
  return fc.oneof(
    fc.record({
      kind: fc.constant('call' as const),
      name: fc.constantFrom(...unaryNames),
      args: query.map((q) => [q]),
      kwargs: fc.constant([]),
    }),
    fc.record({
      kind: fc.constant('call' as const),
      name: fc.constant('timeshift'),
      args: fc.tuple(
        query,
        fc.integer({ min: -1e6, max: 1e6 }).map((value): Expr => ({ kind: 'number', value })),
      ),
      kwargs: fc.constant([]),
    }),
    fc.record({
      kind: fc.constant('call' as const),
      name: fc.constant('top'),
      args: fc
        .tuple(
          query,
          fc.integer({ min: 1, max: 100 }),
          fc.constantFrom('mean', 'max', 'l2norm'),
          fc.constantFrom('asc', 'desc'),
        )
        .chain(([q, n, by, dir]) =>
          fc
            .integer({ min: 2, max: 4 })
            .map((len) => [q, { kind: 'number' as const, value: n }, str(by), str(dir)].slice(0, len)),
        ),
      kwargs: fc.constant([]),
    }),
    fc.record({
      kind: fc.constant('call' as const),
      name: fc.constant('anomalies'),
      args: fc
        .tuple(query, fc.constantFrom('basic', 'agile', 'robust'), positive)
        .map(([q, a, b]) => [q, str(a), { kind: 'number' as const, value: b }]),
      kwargs: kw,
    }),
  );
}

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const query = tie('expr').filter((e) => e.kind !== 'number');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      metric,
      num.map((value): Expr => ({ kind: 'number', value })),
      fc.record({ kind: fc.constant('neg' as const), operand: fc.oneof(metric, call(query)) }),
      fc.record({
        kind: fc.constant('binary' as const),
        op: fc.constantFrom('+', '-', '*', '/'),
        left: tie('expr'),
        right: tie('expr'),
      }),
      call(query),
    ),
  };
});

describe('parse(format(e)) gives e back (fast-check)', () => {
  it('expressions', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const text = format(e);
        expect(parse(text)).toEqual({ ok: true, value: e });
      }),
      { numRuns: 300 },
    );
  });

  it('monitor queries', () => {
    const monitor: fc.Arbitrary<MonitorQuery> = fc
      .record({
        kind: fc.constantFrom('metric', 'change', 'pct_change'),
        timeAggregation: fc.constantFrom('avg', 'sum', 'min', 'max'),
        n: fc.integer({ min: 1, max: 90 }),
        unit: fc.constantFrom('m', 'h', 'd', 'w'),
        query: expr,
        comparator: fc.constantFrom('>', '>=', '<', '<=', '==', '!='),
        threshold: num,
      })
      .map(({ n, unit, ...m }): MonitorQuery => {
        const seconds = n * { m: 60, h: 3600, d: 86_400, w: 604_800 }[unit];
        const change = m.kind !== 'metric';
        return {
          ...m,
          window: `last_${n}${unit}`,
          windowSeconds: seconds,
          shift: change ? `last_${n}${unit}` : null,
          shiftSeconds: change ? seconds : null,
        };
      });
    fc.assert(
      fc.property(monitor, (m) => {
        expect(parseMonitorQuery(formatMonitorQuery(m))).toEqual({ ok: true, value: m });
      }),
      { numRuns: 200 },
    );
  });
});

describe('evaluation of arbitrary trees (fast-check)', () => {
  const points = (k: number) =>
    Array.from({ length: 60 }, (_, i): [number, number] => [i * 10, (i * k) % 17]);
  const source = memorySource([
    gauge('m', ['host:a', 'env:prod'], points(3)),
    gauge('m', ['host:b'], points(5)),
    { metric: 'm', tags: ['host:c'], type: 'rate', interval: 10, times: [0, 100, 200], values: [1, 2, 3] },
  ]);
  it('returns a response or an error value, never an internal failure', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const r = evaluate(e, { source, from: 0, to: 590, interval: 10 });
        if (!r.ok) expect(r.error.message).toMatch(/^(template variable|evaluation failed: moving_rollup)/);
        else
          for (const s of r.value.series)
            for (const [t, v] of s.pointlist)
              expect(Number.isFinite(t) && (v === null || Number.isFinite(v))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
