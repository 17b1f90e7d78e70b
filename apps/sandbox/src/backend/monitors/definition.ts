/**
 * A monitor document (as the API stores it) turned into what the engine runs: the parsed query,
 * the state machine's rules from `options`, the evaluation cadence and delay.
 */
import { type MonitorQuery, parseMonitorQuery } from '@dd-challenge/metric-query';
import type { StateRules } from './state.ts';

/** The fields of a monitor the engine reads (a stored MonitorDoc, or a preview body). */
export interface MonitorDefinition {
  readonly id?: number | undefined;
  readonly name?: string | undefined;
  readonly type?: string | undefined;
  readonly query: string;
  readonly message?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly priority?: number | null | undefined;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** Epoch ms. */
  readonly created_at?: number | undefined;
}

export interface CompiledMonitor {
  readonly id: number;
  readonly name: string;
  readonly message: string;
  readonly tags: readonly string[];
  readonly priority: number | null;
  readonly query: MonitorQuery;
  readonly rules: StateRules;
  /** Seconds the evaluation looks back from its time (options.evaluation_delay). */
  readonly evaluationDelay: number;
  /** Seconds between evaluations: 60 under 24 h windows, 600 up to 48 h, 1800 beyond. */
  readonly cadence: number;
}

/** The monitor types the engine evaluates. */
export const EVALUATED_TYPES: ReadonlySet<string> = new Set(['query alert', 'metric alert']);

/** Datadog's cadence for a window (DOC monitors/configuration). */
export function cadenceFor(windowSeconds: number): number {
  if (windowSeconds < 86_400) return 60;
  if (windowSeconds <= 172_800) return 600;
  return 1800;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const numOrNull = (v: unknown): number | null | undefined => (v === null ? null : num(v));

/** Compiles a monitor; the error names what cannot be evaluated. */
export function compileMonitor(
  def: MonitorDefinition,
): { ok: true; value: CompiledMonitor } | { ok: false; error: string } {
  if (def.type !== undefined && !EVALUATED_TYPES.has(def.type)) {
    return { ok: false, error: `monitor type ${JSON.stringify(def.type)} is not evaluated by the sandbox` };
  }
  if (typeof def.query !== 'string') return { ok: false, error: 'query must be a string' };
  const parsed = parseMonitorQuery(def.query);
  if (!parsed.ok)
    return {
      ok: false,
      error: `The value provided for parameter 'query' is invalid: ${parsed.error.message}`,
    };
  const query = parsed.value;
  const options = def.options ?? {};
  const t = (options.thresholds ?? {}) as Record<string, unknown>;
  const statuses = options.renotify_statuses;
  const rules: StateRules = {
    comparator: query.comparator,
    // The query's threshold is the critical one (the API refuses a create where they differ).
    thresholds: {
      critical: query.threshold,
      warning: numOrNull(t.warning),
      critical_recovery: numOrNull(t.critical_recovery),
      warning_recovery: numOrNull(t.warning_recovery),
    },
    windowSeconds: query.windowSeconds,
    multi: /\bby\s*\{/.test(def.query),
    notifyNoData: options.notify_no_data === true,
    noDataTimeframe: numOrNull(options.no_data_timeframe),
    requireFullWindow: options.require_full_window === true,
    renotifyInterval: numOrNull(options.renotify_interval),
    renotifyStatuses: Array.isArray(statuses) ? (statuses as ('alert' | 'warn' | 'no data')[]) : undefined,
    renotifyOccurrences: numOrNull(options.renotify_occurrences),
    timeoutH: numOrNull(options.timeout_h),
    newGroupDelay: numOrNull(options.new_group_delay),
  };
  return {
    ok: true,
    value: {
      id: def.id ?? 0,
      name: def.name ?? '',
      message: def.message ?? '',
      tags: def.tags ?? [],
      priority: def.priority ?? null,
      query,
      rules,
      evaluationDelay: Math.max(0, num(options.evaluation_delay) ?? 0),
      cadence: cadenceFor(query.windowSeconds),
    },
  };
}
