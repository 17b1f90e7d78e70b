/**
 * The evaluator: walks the tree with one `switch` per node kind. Each metric query goes
 * select -> roll up in time -> aggregate in space (per `by` group); functions and arithmetic then
 * work on bucket arrays that share a grid aligned to UNIX time.
 */
import { aggregateSpace, percentileOf } from './aggregate.ts';
import { ANOMALY_WINDOW, anomalyBands, type Bands } from './anomalies.ts';
import type { BinaryOp, CallExpr, Expr, MetricExpr, RollupMethod } from './ast.ts';
import { formatModifiers, formatScope } from './format.ts';
import { applySeriesFunction, lookback, realValues, reduce, shiftOf } from './functions.ts';
import { applyFill, type Grid, makeGrid, rollupSeries, type ValueMode } from './rollup.ts';
import { compileScope, groupTags } from './select.ts';
import type { DistributionStat, SeriesSource } from './source.ts';

/** One result series on its grid; NaN marks a bucket without a point. */
export interface EvalSeries {
  readonly metric: string;
  /** Group tags (`by {…}`), empty for an ungrouped series. */
  readonly tags: readonly string[];
  /** Datadog's `scope`: the query scope and the group tags. */
  readonly scope: string;
  readonly aggr: string | null;
  /** The query of this one series, e.g. `avg:m{host:a}`. */
  readonly expression: string;
  readonly values: Float64Array;
  readonly isRate: boolean;
  readonly bands?: Bands;
}

export type Evaluated =
  | { readonly kind: 'series'; readonly grid: Grid; readonly series: readonly EvalSeries[] }
  | { readonly kind: 'scalar'; readonly value: number };

export interface EvalContext {
  readonly source: SeriesSource;
  /** The rollup interval of metric queries without an explicit `.rollup(…, seconds)`. */
  readonly interval: number;
}

/** Evaluates an expression over [from, to] (UNIX seconds, inclusive). */
export function evalExpr(e: Expr, ctx: EvalContext, from: number, to: number): Evaluated {
  switch (e.kind) {
    case 'number':
      return { kind: 'scalar', value: e.value };
    case 'string':
      throw new Error('a string outside a function argument'); // the parser never builds this
    case 'metric':
      return evalMetric(e, ctx, from, to);
    case 'neg':
      return mapEvaluated(
        evalExpr(e.operand, ctx, from, to),
        (x) => -x,
        (s) => `-${s}`,
      );
    case 'binary':
      return evalBinary(e.op, evalExpr(e.left, ctx, from, to), evalExpr(e.right, ctx, from, to));
    case 'call':
      return evalCall(e, ctx, from, to);
  }
}

/** The interval an expression's series come out on. */
export function intervalOf(e: Expr, dflt: number): number {
  switch (e.kind) {
    case 'metric':
      return e.modifiers.find((m) => m.kind === 'rollup')?.seconds ?? dflt;
    case 'neg':
      return intervalOf(e.operand, dflt);
    case 'binary':
      return e.left.kind === 'number' ? intervalOf(e.right, dflt) : intervalOf(e.left, dflt);
    case 'call':
      return e.args[0] ? intervalOf(e.args[0], dflt) : dflt;
    default:
      return dflt;
  }
}

// ---- metric queries ----

interface Plan {
  readonly method: RollupMethod;
  readonly mode: ValueMode;
  /** Divide each bucket by its width (count metric shown `.as_rate()`). */
  readonly perSecond: boolean;
  readonly isRate: boolean;
  readonly countLike: boolean;
}

/**
 * How a series of a given stored type is rolled up. Rates (DogStatsD counts) are per second:
 * shown as is and averaged, or with `.as_count()` multiplied back by their interval and summed.
 * Count metrics are summed (shown as counts), or divided by the bucket with `.as_rate()`.
 */
function plan(type: 'gauge' | 'rate' | 'count', m: MetricExpr): Plan {
  const asCount = m.modifiers.some((x) => x.kind === 'as_count');
  const asRate = m.modifiers.some((x) => x.kind === 'as_rate');
  const explicit = m.modifiers.find((x) => x.kind === 'rollup')?.method;
  let p: Plan;
  if (type === 'rate' && asCount)
    p = { method: 'sum', mode: 'rate-to-count', perSecond: false, isRate: false, countLike: true };
  else if (type === 'rate')
    p = { method: 'avg', mode: 'value', perSecond: false, isRate: true, countLike: false };
  else if (type === 'count' && asRate)
    p = { method: 'sum', mode: 'value', perSecond: true, isRate: true, countLike: false };
  else if (type === 'count')
    p = { method: 'sum', mode: 'value', perSecond: false, isRate: false, countLike: true };
  else p = { method: 'avg', mode: 'value', perSecond: false, isRate: false, countLike: asCount };
  return explicit ? { ...p, method: explicit } : p;
}

function groupScope(scopeText: string, tags: readonly string[]): string {
  if (tags.length === 0) return scopeText;
  return scopeText === '*' ? tags.join(',') : `${scopeText},${tags.join(',')}`;
}

function evalMetric(m: MetricExpr, ctx: EvalContext, from: number, to: number): Evaluated {
  const rollup = m.modifiers.find((x) => x.kind === 'rollup');
  const fill = m.modifiers.find((x) => x.kind === 'fill');
  const grid = makeGrid(from, to, rollup?.seconds ?? ctx.interval);
  const matches = compileScope(m.scope);
  const agg = m.aggregator ?? 'avg';
  const scopeText = formatScope(m.scope);
  const describe = (tags: readonly string[]) => {
    const scope = groupScope(scopeText, tags);
    return {
      scope,
      expression: `${m.aggregator ? `${m.aggregator}:` : ''}${m.metric}{${scope}}${formatModifiers(m.modifiers)}`,
    };
  };

  const dist = evalDistribution(m, ctx, grid, from, to, matches);
  if (dist) {
    const series = dist.map((g) => ({
      metric: m.metric,
      tags: g.tags,
      aggr: agg,
      values: g.values,
      isRate: false,
      ...describe(g.tags),
    }));
    return { kind: 'series', grid, series };
  }

  const groups = new Map<string, { tags: string[]; arrays: Float64Array[] }>();
  let interpolate = fill === undefined;
  let isRate = false;
  for (const s of ctx.source.series(m.metric, from, to)) {
    if (!matches(s.tags)) continue;
    const p = plan(s.type, m);
    if (p.countLike) interpolate = false;
    isRate = p.isRate;
    let values = rollupSeries(s, grid, p.method, p.mode, from, to);
    if (p.perSecond) for (let i = 0; i < values.length; i++) values[i]! /= grid.interval;
    if (fill) values = applyFill(values, grid, fill.mode, fill.limit);
    const tags = groupTags(s.tags, m.groupBy);
    const key = tags.join(',');
    const g = groups.get(key);
    if (g) g.arrays.push(values);
    else groups.set(key, { tags, arrays: [values] });
  }
  const series: EvalSeries[] = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      metric: m.metric,
      tags: g.tags,
      aggr: agg,
      values: aggregateSpace(g.arrays, agg, interpolate),
      isRate,
      ...describe(g.tags),
    }));
  return { kind: 'series', grid, series };
}

function distributionStat(agg: string): DistributionStat | undefined {
  const q = percentileOf(agg);
  if (q !== undefined) return { quantile: q };
  return agg === 'avg' || agg === 'sum' || agg === 'min' || agg === 'max' || agg === 'count'
    ? agg
    : undefined;
}

/** Distribution metrics: the store merges sketches per group and bucket; undefined if it has none. */
function evalDistribution(
  m: MetricExpr,
  ctx: EvalContext,
  grid: Grid,
  from: number,
  to: number,
  matches: (tags: readonly string[]) => boolean,
): { tags: string[]; values: Float64Array }[] | undefined {
  const stat = distributionStat(m.aggregator ?? 'avg');
  if (!ctx.source.distribution || !stat) return undefined;
  const tagsOf = new Map<string, string[]>();
  const groups = ctx.source.distribution({
    metric: m.metric,
    from,
    to,
    stat,
    bucketSeconds: grid.interval,
    groupOf: (tags) => {
      if (!matches(tags)) return undefined;
      const g = groupTags(tags, m.groupBy);
      const key = g.join(',');
      tagsOf.set(key, g);
      return key;
    },
  });
  if (!groups) return undefined;
  return [...groups]
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .map((g) => {
      const values = new Float64Array(grid.length).fill(Number.NaN);
      for (let i = 0; i < g.times.length; i++) {
        // Stores stamp a bucket at its aligned start, which may precede `from`: place by grid.
        const b = Math.floor((g.times[i]! - grid.start) / grid.interval);
        if (b >= 0 && b < grid.length) values[b] = g.values[i]!;
      }
      return { tags: tagsOf.get(g.group) ?? [...g.tags], values };
    });
}

// ---- arithmetic ----

function mapEvaluated(r: Evaluated, f: (x: number) => number, text: (s: string) => string): Evaluated {
  if (r.kind === 'scalar') return { kind: 'scalar', value: f(r.value) };
  return {
    kind: 'series',
    grid: r.grid,
    series: r.series.map((s) => ({
      ...s,
      values: s.values.map(f),
      expression: text(s.expression),
      bands: undefined,
    })),
  };
}

function applyOp(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      // Datadog leaves no point where the divisor is zero.
      return b === 0 ? Number.NaN : a / b;
  }
}

/** Values of `src` on another grid: the bucket containing each target bucket's start. */
export function resample(values: Float64Array, src: Grid, dst: Grid): Float64Array {
  if (src.start === dst.start && src.interval === dst.interval && src.length === dst.length) return values;
  // Same interval, aligned, inside: a view, no copy (the common trim after a lookback).
  const offset = (dst.start - src.start) / src.interval;
  if (
    src.interval === dst.interval &&
    Number.isInteger(offset) &&
    offset >= 0 &&
    offset + dst.length <= src.length
  ) {
    return values.subarray(offset, offset + dst.length);
  }
  const out = new Float64Array(dst.length).fill(Number.NaN);
  for (let j = 0; j < dst.length; j++) {
    const i = Math.floor((dst.start + j * dst.interval - src.start) / src.interval);
    if (i >= 0 && i < src.length) out[j] = values[i]!;
  }
  return out;
}

function evalBinary(op: BinaryOp, l: Evaluated, r: Evaluated): Evaluated {
  if (l.kind === 'scalar' && r.kind === 'scalar')
    return { kind: 'scalar', value: applyOp(op, l.value, r.value) };
  if (r.kind === 'scalar')
    return mapEvaluated(
      l,
      (x) => applyOp(op, x, r.value),
      (s) => `${s} ${op} ${r.value}`,
    );
  if (l.kind === 'scalar')
    return mapEvaluated(
      r,
      (x) => applyOp(op, l.value, x),
      (s) => `${l.value} ${op} ${s}`,
    );
  const grid = l.grid;
  const rights = r.series.map((s) => ({ ...s, values: resample(s.values, r.grid, grid) }));
  const combine = (a: EvalSeries, b: EvalSeries): EvalSeries => {
    const values = new Float64Array(grid.length);
    for (let i = 0; i < values.length; i++) values[i] = applyOp(op, a.values[i]!, b.values[i]!);
    const base = a.tags.length >= b.tags.length ? a : b;
    return {
      ...base,
      values,
      expression: `${a.expression} ${op} ${b.expression}`,
      isRate: a.isRate && b.isRate,
      bands: undefined,
    };
  };
  const series: EvalSeries[] = [];
  // One ungrouped side applies to every group of the other; otherwise groups pair by tag set.
  if (rights.length === 1 && rights[0]!.tags.length === 0)
    for (const a of l.series) series.push(combine(a, rights[0]!));
  else if (l.series.length === 1 && l.series[0]!.tags.length === 0)
    for (const b of rights) series.push(combine(l.series[0]!, b));
  else {
    const byKey = new Map(rights.map((s) => [s.tags.join(','), s]));
    for (const a of l.series) {
      const b = byKey.get(a.tags.join(','));
      if (b) series.push(combine(a, b));
    }
  }
  return { kind: 'series', grid, series };
}

// ---- functions ----

function asSeries(r: Evaluated, grid: Grid): { grid: Grid; series: readonly EvalSeries[] } {
  if (r.kind === 'series') return r;
  const values = new Float64Array(grid.length).fill(r.value);
  return {
    grid,
    series: [
      { metric: '', tags: [], scope: '*', aggr: null, expression: String(r.value), values, isRate: false },
    ],
  };
}

function numberArg(e: CallExpr, i: number): number | undefined {
  const a = e.args[i];
  return a?.kind === 'number' ? a.value : undefined;
}

function stringArg(e: CallExpr, i: number): string | undefined {
  const a = e.args[i];
  return a?.kind === 'string' ? a.value : undefined;
}

function evalCall(e: CallExpr, ctx: EvalContext, from: number, to: number): Evaluated {
  const inner = e.args[0]!;
  const interval = intervalOf(inner, ctx.interval);
  const target = makeGrid(from, to, interval);
  const shift = shiftOf(e.name, numberArg(e, 1));
  if (shift !== undefined) {
    const r = asSeries(
      evalExpr(inner, ctx, from + shift, to + shift),
      makeGrid(from + shift, to + shift, interval),
    );
    const grid = { ...r.grid, start: r.grid.start - shift };
    const label =
      e.name === 'timeshift' ? (s: string) => `timeshift(${s}, ${shift})` : (s: string) => `${e.name}(${s})`;
    return {
      kind: 'series',
      grid,
      series: r.series.map((s) => ({ ...s, expression: label(s.expression), bands: undefined })),
    };
  }
  if (e.name === 'top') return evalTop(e, asSeries(evalExpr(inner, ctx, from, to), target));
  if (e.name === 'count_nonzero' || e.name === 'count_not_null') {
    return evalCount(e.name, asSeries(evalExpr(inner, ctx, from, to), target));
  }
  const pointwise = POINTWISE[e.name];
  if (pointwise) {
    const limit = numberArg(e, 1) ?? 0;
    const label =
      e.args.length > 1 ? (s: string) => `${e.name}(${s}, ${limit})` : (s: string) => `${e.name}(${s})`;
    return mapEvaluated(
      { kind: 'series', ...asSeries(evalExpr(inner, ctx, from, to), target) },
      (x) => pointwise(x, limit),
      label,
    );
  }
  if (e.name === 'anomalies') {
    const bounds = numberArg(e, 2) ?? 2;
    const ext = asSeries(evalExpr(inner, ctx, from - ANOMALY_WINDOW * interval, to), target);
    const grid = makeGrid(from, to, ext.grid.interval);
    const series = ext.series.map((s) => {
      const b = anomalyBands(s.values, bounds);
      return {
        ...s,
        values: resample(s.values, ext.grid, grid),
        bands: { upper: resample(b.upper, ext.grid, grid), lower: resample(b.lower, ext.grid, grid) },
        expression: `anomalies(${s.expression}, '${stringArg(e, 1) ?? 'basic'}', ${bounds})`,
      };
    });
    return { kind: 'series', grid, series };
  }
  const seconds = numberArg(e, 1);
  const need = lookback(e.name, interval, seconds);
  const ext = asSeries(
    evalExpr(inner, ctx, from - need.before * interval, to + need.after * interval),
    target,
  );
  const grid = makeGrid(from, to, ext.grid.interval);
  const method = stringArg(e, 2);
  const series = ext.series.map((s) => {
    const out = applySeriesFunction(e.name, s, ext.grid, { seconds, method });
    const label =
      e.name === 'moving_rollup'
        ? `moving_rollup(${s.expression}, ${seconds}${method ? `, '${method}'` : ''})`
        : `${e.name}(${s.expression})`;
    return {
      ...s,
      values: resample(out.values, ext.grid, grid),
      isRate: out.isRate,
      expression: label,
      bands: undefined,
    };
  });
  return { kind: 'series', grid, series };
}

/** Functions of one point: clamp_min/max bound values, cutoff_min/max drop them, default_zero fills gaps. */
const POINTWISE: Readonly<Record<string, (x: number, limit: number) => number>> = {
  clamp_min: (x, n) => Math.max(x, n),
  clamp_max: (x, n) => Math.min(x, n),
  cutoff_min: (x, n) => (x < n ? Number.NaN : x),
  cutoff_max: (x, n) => (x > n ? Number.NaN : x),
  default_zero: (x) => (Number.isNaN(x) ? 0 : x),
};

/** count_nonzero / count_not_null: how many series have a (non-zero) point in each bucket. */
function evalCount(name: string, r: { grid: Grid; series: readonly EvalSeries[] }): Evaluated {
  const values = new Float64Array(r.grid.length);
  for (const s of r.series) {
    for (let i = 0; i < values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isNaN(v) && (name === 'count_not_null' || v !== 0)) values[i]!++;
    }
  }
  const first = r.series[0];
  const series: EvalSeries[] = first
    ? [
        {
          metric: first.metric,
          tags: [],
          scope: first.scope,
          aggr: null,
          expression: `${name}(${first.expression})`,
          values,
          isRate: false,
        },
      ]
    : [];
  return { kind: 'series', grid: r.grid, series };
}

/** top(q, n, by, dir): the n series ranking first by a reducer over the range. */
function evalTop(e: CallExpr, r: { grid: Grid; series: readonly EvalSeries[] }): Evaluated {
  const n = numberArg(e, 1) ?? 10;
  const by = stringArg(e, 2) ?? 'mean';
  const dir = stringArg(e, 3) ?? 'desc';
  const ranked = r.series
    .map((s) => ({ s, score: reduce(realValues(s.values), by === 'mean' ? 'avg' : by) }))
    .filter((x) => !Number.isNaN(x.score))
    .sort((a, b) => (dir === 'asc' ? a.score - b.score : b.score - a.score));
  return { kind: 'series', grid: r.grid, series: ranked.slice(0, n).map((x) => x.s) };
}
