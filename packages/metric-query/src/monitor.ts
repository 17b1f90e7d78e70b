/**
 * One evaluation of a metric monitor: the query over the window ending at `now`, reduced per
 * group by the time aggregation, with the bucket facts `require_full_window` needs.
 */
import { isAnomalous } from './anomalies.ts';
import type { Comparator, MonitorQuery, TimeAggregation } from './ast.ts';
import { evalExpr } from './evaluate.ts';
import { MAX_UNIX_SECONDS, variablesOf } from './query.ts';
import type { Grid } from './rollup.ts';
import type { EvalSeries } from './series.ts';
import type { SeriesSource } from './source.ts';

export interface MonitorGroup {
  /** `host:a,env:x` (tags in `by {…}` order), or `*` for a monitor without groups. */
  readonly group: string;
  readonly tags: readonly string[];
  /** The aggregated value, undefined when the window holds no point. */
  readonly value: number | undefined;
  readonly pointCount: number;
  /** For require_full_window: the window in buckets of 1 min (minute windows), 10 min (hours), 1 h (days/weeks). */
  readonly firstBucketHasData: boolean;
  readonly emptyBuckets: number;
  readonly buckets: number;
}

export interface MonitorEvaluation {
  readonly groups: MonitorGroup[];
  /** Set when the query cannot be evaluated (an unsubstituted variable, a failing source). */
  readonly error?: string;
}

export interface EvaluateMonitorOptions {
  readonly source: SeriesSource;
  /** UNIX seconds. */
  readonly now: number;
}

/** Rollup interval of a monitor's query: fine enough that bucket averages are point averages. */
export function monitorInterval(windowSeconds: number): number {
  if (windowSeconds <= 86_400) return 10;
  if (windowSeconds <= 604_800) return 60;
  return 300;
}

/** Bucket width of the full-window rule for a window written `last_<n><unit>`. */
export function fullWindowBucket(m: MonitorQuery): number {
  const unit = m.window.slice(-1);
  return unit === 'm' ? 60 : unit === 'h' ? 600 : 3600;
}

/** Whether `value comparator threshold` holds. */
export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

function aggregate(values: readonly number[], how: TimeAggregation): number | undefined {
  if (values.length === 0) return undefined;
  switch (how) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return values.reduce((a, b) => Math.min(b, a));
    case 'max':
      return values.reduce((a, b) => Math.max(b, a));
  }
}

interface Window {
  readonly values: number[];
  /** Start time of each value's bucket. */
  readonly times: number[];
  readonly anomalous: number;
}

/** Evaluates the query over [from, to) and returns each group's points inside it. */
function windowPoints(
  m: MonitorQuery,
  source: SeriesSource,
  from: number,
  to: number,
): Map<string, { tags: readonly string[]; w: Window }> {
  // An anomaly monitor's `interval=` kwarg sets its rollup, as in Datadog.
  const kw =
    m.query.kind === 'call' && m.query.name === 'anomalies'
      ? m.query.kwargs.find((k) => k.name === 'interval')?.value
      : undefined;
  const interval = typeof kw === 'number' && kw > 0 ? kw : monitorInterval(m.windowSeconds);
  // The end is exclusive: a point stamped exactly `now` belongs to the next evaluation.
  const r = evalExpr(m.query, { source, interval }, from, to - 1e-6);
  const out = new Map<string, { tags: readonly string[]; w: Window }>();
  if (r.kind === 'scalar') {
    out.set('*', { tags: [], w: { values: [r.value], times: [from], anomalous: 0 } });
    return out;
  }
  const direction = anomalyDirection(m);
  for (const s of r.series)
    out.set(s.tags.length ? s.tags.join(',') : '*', { tags: s.tags, w: points(s, r.grid, from, direction) });
  return out;
}

function anomalyDirection(m: MonitorQuery): 'both' | 'above' | 'below' {
  if (m.query.kind !== 'call' || m.query.name !== 'anomalies') return 'both';
  const d = m.query.kwargs.find((k) => k.name === 'direction')?.value;
  return d === 'above' || d === 'below' ? d : 'both';
}

function points(s: EvalSeries, grid: Grid, from: number, direction: 'both' | 'above' | 'below'): Window {
  const values: number[] = [];
  const times: number[] = [];
  let anomalous = 0;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    if (Number.isNaN(v)) continue;
    values.push(v);
    times.push(Math.max(from, grid.start + i * grid.interval));
    if (s.bands && isAnomalous(v, s.bands.upper[i]!, s.bands.lower[i]!, direction)) anomalous++;
  }
  return { values, times, anomalous };
}

/** Evaluates a monitor query at `now`; never throws (a failure comes back in `error`). */
export function evaluateMonitor(m: MonitorQuery, options: EvaluateMonitorOptions): MonitorEvaluation {
  try {
    return evaluateWindow(m, options);
  } catch (e) {
    return { groups: [], error: `evaluation failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function evaluateWindow(m: MonitorQuery, options: EvaluateMonitorOptions): MonitorEvaluation {
  const missing = variablesOf(m.query);
  if (missing.length > 0)
    return { groups: [], error: `template variable ${missing.map((v) => `$${v}`).join(', ')} has no value` };
  const { now, source } = options;
  if (!Number.isFinite(now)) return { groups: [], error: `expected now in UNIX seconds but got ${now}` };
  if (Math.abs(now) > MAX_UNIX_SECONDS)
    return { groups: [], error: `now=${now} looks like milliseconds; pass UNIX seconds` };
  const W = m.windowSeconds;
  const from = now - W;
  const current = windowPoints(m, source, from, now);
  const past =
    m.kind === 'metric' ? undefined : windowPoints(m, source, from - m.shiftSeconds!, now - m.shiftSeconds!);
  const isAnomalies = m.query.kind === 'call' && m.query.name === 'anomalies';
  const bucket = fullWindowBucket(m);
  const nBuckets = Math.ceil(W / bucket);
  const groups: MonitorGroup[] = [];
  for (const [group, { tags, w }] of current) {
    // An anomalies monitor compares the fraction of anomalous points with its threshold.
    let value = isAnomalies
      ? w.values.length > 0
        ? w.anomalous / w.values.length
        : undefined
      : aggregate(w.values, m.timeAggregation);
    if (past && value !== undefined) {
      const before = past.get(group);
      const old = before ? aggregate(before.w.values, m.timeAggregation) : undefined;
      if (old === undefined) value = undefined;
      else if (m.kind === 'change') value = value - old;
      else value = old === 0 ? undefined : ((value - old) / Math.abs(old)) * 100;
    }
    const filled = new Uint8Array(nBuckets);
    for (const t of w.times) {
      const k = Math.min(nBuckets - 1, Math.floor((t - from) / bucket));
      if (k >= 0) filled[k] = 1;
    }
    let empty = 0;
    for (const f of filled) if (!f) empty++;
    groups.push({
      group,
      tags,
      value,
      pointCount: w.values.length,
      firstBucketHasData: filled[0] === 1,
      emptyBuckets: empty,
      buckets: nBuckets,
    });
  }
  return { groups };
}
