/**
 * Preview (a sandbox extension): replays stored data through a fresh MonitorRun, minute by
 * minute over a time range, and answers the state timeline, the notifications that would have
 * been sent and those a downtime would have muted. The same code as live evaluation.
 */
import { type CompiledMonitor, compileMonitor, type MonitorDefinition } from './definition.ts';
import { MonitorRun, type PlannedNotification, type RunEnvironment } from './run.ts';
import { initialState } from './state.ts';

/** The most evaluations one preview runs (two weeks at one a minute). */
export const MAX_PREVIEW_EVALUATIONS = 20_160;

export interface NotificationView {
  readonly at: string;
  readonly at_ms: number;
  readonly group: string;
  readonly from: string;
  readonly to: string;
  readonly value: number | null;
  readonly kind: PlannedNotification['kind'];
  readonly transition: string;
  readonly title: string;
  readonly message: string;
  readonly handles: readonly string[];
  readonly muted: boolean;
  readonly downtime_id: string | null;
  readonly unresolved_variables: readonly string[];
}

export interface PreviewResult {
  readonly from: string;
  readonly to: string;
  readonly evaluations: number;
  /** Each change of the monitor's overall state. */
  readonly overall_states: readonly { readonly at: string; readonly state: string }[];
  /** Each group state change. */
  readonly transitions: readonly {
    readonly at: string;
    readonly group: string;
    readonly from: string;
    readonly to: string;
    readonly value: number | null;
  }[];
  readonly notifications: readonly NotificationView[];
  readonly muted: readonly NotificationView[];
  readonly final: {
    readonly overall_state: string;
    readonly groups: Record<string, { status: string; value: number | null }>;
  };
  readonly errors: readonly { readonly at: string; readonly error: string }[];
}

/** The JSON form of a planned notification (preview answers, tests). */
export function notificationView(n: PlannedNotification): NotificationView {
  return {
    at: new Date(n.at).toISOString(),
    at_ms: n.at,
    group: n.group,
    from: n.from,
    to: n.to,
    value: n.value ?? null,
    kind: n.kind,
    transition: n.transition,
    title: n.title,
    message: n.body,
    handles: n.handles,
    muted: n.muted,
    downtime_id: n.downtimeId ?? null,
    unresolved_variables: n.unresolved,
  };
}

/** Replays a compiled monitor over [fromMs, toMs]: evaluations on its cadence, starting fresh at fromMs. */
export function replay(
  monitor: CompiledMonitor,
  fromMs: number,
  toMs: number,
  env: RunEnvironment,
): PreviewResult {
  const run = new MonitorRun(monitor, initialState(fromMs / 1000));
  const step = monitor.cadence * 1000;
  const overall: { at: string; state: string }[] = [];
  const transitions: PreviewResult['transitions'][number][] = [];
  const sent: NotificationView[] = [];
  const muted: NotificationView[] = [];
  const errors: { at: string; error: string }[] = [];
  let evaluations = 0;
  let last: string | undefined;
  for (
    let at = Math.ceil(fromMs / step) * step;
    at <= toMs && evaluations < MAX_PREVIEW_EVALUATIONS;
    at += step
  ) {
    if (!run.isDue(at)) continue;
    evaluations++;
    const result = run.evaluate(at, env);
    const iso = new Date(at).toISOString();
    if (result.error) {
      if (errors.length < 10) errors.push({ at: iso, error: result.error });
      continue;
    }
    for (const t of result.transitions) {
      if (!t.renotify)
        transitions.push({ at: iso, group: t.group, from: t.from, to: t.to, value: t.value ?? null });
    }
    for (const n of result.notifications) (n.muted ? muted : sent).push(notificationView(n));
    if (run.state.overall !== last) {
      overall.push({ at: iso, state: run.state.overall });
      last = run.state.overall;
    }
  }
  const groups: Record<string, { status: string; value: number | null }> = {};
  for (const g of Object.values(run.state.groups))
    groups[g.group] = { status: g.status, value: g.lastValue ?? null };
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    evaluations,
    overall_states: overall,
    transitions,
    notifications: sent,
    muted,
    final: { overall_state: run.state.overall, groups },
    errors,
  };
}

/** Compiles a monitor body and replays it; the error names what is wrong with the body. */
export function previewMonitor(
  def: MonitorDefinition,
  fromMs: number,
  toMs: number,
  env: RunEnvironment,
): { ok: true; value: PreviewResult } | { ok: false; error: string } {
  if (!(toMs > fromMs)) return { ok: false, error: 'from must be before to' };
  const compiled = compileMonitor(def);
  if (!compiled.ok) return compiled;
  if ((toMs - fromMs) / (compiled.value.cadence * 1000) > MAX_PREVIEW_EVALUATIONS) {
    return {
      ok: false,
      error: `the range holds more than ${MAX_PREVIEW_EVALUATIONS} evaluations; shorten it`,
    };
  }
  return { ok: true, value: replay(compiled.value, fromMs, toMs, env) };
}
