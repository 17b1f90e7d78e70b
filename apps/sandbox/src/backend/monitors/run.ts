/**
 * One monitor being evaluated over time: the query through metric-query's evaluateMonitor, the
 * state machine, messages rendered per transition, and downtime muting. The live engine and the
 * preview both drive a MonitorRun, so a preview over stored data says exactly what the engine did.
 */
import { evaluateMonitor, type SeriesSource } from '@dd-challenge/metric-query';
import type { CompiledMonitor } from './definition.ts';
import { covers, type DowntimeSet, endNotifies } from './downtime-match.ts';
import {
  type EvaluatedGroup,
  type GroupStatus,
  type MonitorState,
  noDataMinutes,
  step,
  type Transition,
} from './state.ts';
import { extractHandles, renderTemplate, tagValue } from './template.ts';

/** What a run reads besides its own state. */
export interface RunEnvironment {
  readonly source: SeriesSource;
  /** The downtimes, with their windows cached across evaluations. */
  readonly downtimes: DowntimeSet;
  /** The address of a host, for {{host.ip}}. */
  readonly hostIp: (host: string) => string | undefined;
}

/** A notification the engine sends, or would send were it not muted. */
export interface PlannedNotification {
  /** Epoch ms. */
  readonly at: number;
  readonly monitorId: number;
  readonly group: string;
  readonly tags: readonly string[];
  readonly from: GroupStatus;
  readonly to: GroupStatus;
  readonly value: number | undefined;
  /** A state change, a renotify_interval reminder, or the reminder at a downtime's end. */
  readonly kind: 'transition' | 'renotify' | 'downtime_end';
  /** Triggered, Warn, No Data, Recovered, Re-Triggered... */
  readonly transition: string;
  readonly title: string;
  readonly body: string;
  readonly handles: readonly string[];
  readonly muted: boolean;
  readonly downtimeId: string | undefined;
  /** Template variables that resolved to nothing ({{host.ip}} without `by {host}`). */
  readonly unresolved: readonly string[];
}

export interface EvaluationResult {
  readonly at: number;
  readonly transitions: readonly Transition[];
  readonly notifications: readonly PlannedNotification[];
  /** Set when the query could not be evaluated (the state is then unchanged). */
  readonly error?: string;
}

const LABELS: Record<GroupStatus, string> = {
  Alert: 'Triggered',
  Warn: 'Warn',
  'No Data': 'No Data',
  OK: 'Recovered',
};

export class MonitorRun {
  readonly monitor: CompiledMonitor;
  state: MonitorState;
  /** Per group: whether its last trigger notification went out unmuted (for the first recovery rule). */
  readonly #triggerSent = new Map<string, boolean>();

  /** Per group: whether its last trigger went out unmuted (kept when a monitor is edited). */
  get triggerSent(): ReadonlyMap<string, boolean> {
    return this.#triggerSent;
  }

  constructor(monitor: CompiledMonitor, state: MonitorState, triggerSent?: ReadonlyMap<string, boolean>) {
    this.monitor = monitor;
    this.state = state;
    for (const [group, sent] of triggerSent ?? []) this.#triggerSent.set(group, sent);
  }

  /** Whether the run evaluates at `atMs`: on its cadence, strictly after its start and its last evaluation. */
  isDue(atMs: number): boolean {
    const at = atMs / 1000;
    return (
      at % this.monitor.cadence === 0 &&
      at > this.state.createdAt &&
      (this.state.lastEvaluatedAt === undefined || at > this.state.lastEvaluatedAt)
    );
  }

  /** Evaluates at `atMs` (epoch ms): new state, transitions and the notifications they make. */
  evaluate(atMs: number, env: RunEnvironment): EvaluationResult {
    const m = this.monitor;
    const previous =
      this.state.lastEvaluatedAt === undefined ? atMs - m.cadence * 1000 : this.state.lastEvaluatedAt * 1000;
    const evaluation = evaluateMonitor(m.query, { source: env.source, now: atMs / 1000 - m.evaluationDelay });
    if (evaluation.error) {
      this.state = { ...this.state, lastEvaluatedAt: atMs / 1000 };
      return { at: atMs, transitions: [], notifications: [], error: evaluation.error };
    }
    const seen = this.#seenWithinTimeframe(evaluation.groups, atMs, env);
    const { state, transitions } = step(this.state, m.rules, evaluation.groups, atMs / 1000, seen);
    this.state = state;
    const notifications = transitions.map((t) =>
      this.#plan(
        atMs,
        t.group,
        t.tags,
        t.from,
        t.to,
        t.value,
        t.renotify ? 'renotify' : 'transition',
        t,
        env,
      ),
    );
    // A downtime that ended since the last evaluation re-notifies groups still triggered.
    for (const edge of env.downtimes.edgesBetween(previous, atMs)) {
      if (edge.kind !== 'end' || !edge.endType) continue;
      for (const g of Object.values(state.groups)) {
        if (
          !covers(edge.downtime, { id: m.id, tags: m.tags }, g.tags) ||
          !endNotifies(edge.downtime, edge.endType, g.status)
        ) {
          continue;
        }
        const transition: Transition = {
          group: g.group,
          tags: g.tags,
          from: g.status,
          to: g.status,
          value: g.lastValue,
          at: atMs / 1000,
          renotify: true,
          firstTriggeredAt: g.firstTriggeredAt,
          lastTriggeredAt: g.lastTriggeredAt,
        };
        notifications.push(
          this.#plan(atMs, g.group, g.tags, g.status, g.status, g.lastValue, 'downtime_end', transition, env),
        );
      }
    }
    return { at: atMs, transitions, notifications };
  }

  /**
   * With notify_no_data, a group silent in this window is looked up over the whole
   * no_data_timeframe, so No Data comes exactly that long after its last point.
   */
  #seenWithinTimeframe(
    groups: readonly EvaluatedGroup[],
    atMs: number,
    env: RunEnvironment,
  ): Set<string> | undefined {
    const m = this.monitor;
    if (!m.rules.notifyNoData) return undefined;
    const withData = new Set(
      groups.filter((g) => g.pointCount > 0 && g.value !== undefined).map((g) => g.group),
    );
    const known = Object.keys(this.state.groups);
    const silent = known.some((g) => !withData.has(g)) || (!m.rules.multi && known.length === 0);
    if (!silent) return withData;
    const timeframe = noDataMinutes(m.rules) * 60;
    if (timeframe <= m.query.windowSeconds) return withData;
    const wide = evaluateMonitor(
      { ...m.query, window: `last_${timeframe / 60}m`, windowSeconds: timeframe },
      { source: env.source, now: atMs / 1000 - m.evaluationDelay },
    );
    if (wide.error) return undefined;
    for (const g of wide.groups) if (g.pointCount > 0) withData.add(g.group);
    return withData;
  }

  #plan(
    atMs: number,
    group: string,
    tags: readonly string[],
    from: GroupStatus,
    to: GroupStatus,
    value: number | undefined,
    kind: PlannedNotification['kind'],
    t: Transition,
    env: RunEnvironment,
  ): PlannedNotification {
    const m = this.monitor;
    const host = tagValue(tags, 'host');
    const rendered = renderTemplate(m.message, {
      from,
      to,
      isRenotify: kind !== 'transition',
      value,
      thresholds: m.rules.thresholds,
      comparator: m.rules.comparator,
      tags,
      hostIp: host === undefined ? undefined : env.hostIp(host),
      lastTriggeredAt: t.lastTriggeredAt === undefined ? undefined : t.lastTriggeredAt * 1000,
      firstTriggeredAt: t.firstTriggeredAt === undefined ? undefined : t.firstTriggeredAt * 1000,
      now: atMs,
      priority: m.priority,
    });
    const label = kind === 'transition' ? LABELS[to] : to === 'Alert' ? 'Re-Triggered' : LABELS[to];
    const title = `${m.priority ? `[P${m.priority}] ` : ''}[${label}${group === '*' ? '' : ` on {${group}}`}] ${m.name}`;

    // Muting: a downtime covering the group now mutes it, except the first recovery of a
    // group whose trigger was announced (unless mute_first_recovery_notification).
    const downtime = env.downtimes.mutingAt({ id: m.id, tags: m.tags }, tags, atMs);
    let muted = downtime !== undefined;
    if (
      downtime &&
      to === 'OK' &&
      this.#triggerSent.get(group) === true &&
      !downtime.mute_first_recovery_notification
    ) {
      muted = false;
    }
    if (kind === 'transition') this.#triggerSent.set(group, to !== 'OK' && !muted);
    return {
      at: atMs,
      monitorId: m.id,
      group,
      tags,
      from,
      to,
      value,
      kind,
      transition: label,
      title,
      body: rendered.text,
      handles: extractHandles(rendered.text),
      muted,
      downtimeId: muted ? downtime?.id : undefined,
      unresolved: rendered.unresolved,
    };
  }
}
