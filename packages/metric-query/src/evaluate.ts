/**
 * The evaluator: walks the tree with one `switch` per node kind. Each metric query goes
 * select -> roll up in time -> aggregate in space (per `by` group); functions and arithmetic then
 * work on bucket arrays that share a grid aligned to UNIX time. Function calls are evaluated here
 * too: most of them evaluate their query argument over a wider or shifted range first.
 */
import { ANOMALY_WINDOW, anomalyBands } from './anomalies.ts';
import { evalBinary } from './arithmetic.ts';
import type { CallExpr, Expr } from './ast.ts';
import { applySeriesFunction, lookback, realValues, reduce, shiftOf } from './functions.ts';
import { evalMetric } from './metric-eval.ts';
import { type Grid, makeGrid } from './rollup.ts';
import {
  asSeries,
  type EvalContext,
  type EvalSeries,
  type Evaluated,
  mapEvaluated,
  resample,
} from './series.ts';

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
function intervalOf(e: Expr, dflt: number): number {
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

function numberArg(e: CallExpr, i: number): number | undefined {
  const a = e.args[i];
  return a?.kind === 'number' ? a.value : undefined;
}

function stringArg(e: CallExpr, i: number): string | undefined {
  const a = e.args[i];
  return a?.kind === 'string' ? a.value : undefined;
}

/** Evaluates a function call over [from, to], reading history first where the function needs it. */
function evalCall(e: CallExpr, ctx: EvalContext, from: number, to: number): Evaluated {
  const inner = e.args[0]!;
  const interval = Math.max(intervalOf(inner, ctx.interval), ctx.minInterval ?? 0);
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
