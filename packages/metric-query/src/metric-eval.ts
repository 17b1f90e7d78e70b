/**
 * One metric query: select series by scope, roll each up in time, aggregate them in space per
 * `by` group. Distribution metrics are asked of the store's sketches instead.
 */
import { aggregateSpace, percentileOf } from './aggregate.ts';
import type { MetricExpr, RollupMethod } from './ast.ts';
import { formatModifiers, formatScope } from './format.ts';
import { applyFill, type Grid, makeGrid, rollupSeries, type ValueMode } from './rollup.ts';
import { compileScope, groupTags } from './select.ts';
import type { EvalContext, EvalSeries, Evaluated } from './series.ts';
import type { DistributionStat } from './source.ts';

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

/** Evaluates `[agg:]metric{scope} by {…}.modifiers` over [from, to]. */
export function evalMetric(m: MetricExpr, ctx: EvalContext, from: number, to: number): Evaluated {
  const rollup = m.modifiers.find((x) => x.kind === 'rollup');
  const fill = m.modifiers.find((x) => x.kind === 'fill');
  const grid = makeGrid(from, to, Math.max(rollup?.seconds ?? ctx.interval, ctx.minInterval ?? 0));
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
