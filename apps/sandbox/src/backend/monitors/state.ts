/**
 * The per-group state machine of a metric monitor: one `step` per evaluation takes the
 * evaluator's groups and returns the next state and the transitions worth notifying.
 * Pure: no clock, no storage, so live evaluation and preview run the very same code.
 * Semantics: Datadog's monitor documentation (monitors/configuration: thresholds, recovery, no data).
 */

import { type Comparator, compare, type MonitorGroup } from '@dd-challenge/metric-query';

/** The comparator of a monitor query, as metric-query parses it (re-exported for the monitor code). */
export type { Comparator };

export type GroupStatus = 'OK' | 'Warn' | 'Alert' | 'No Data';

export interface Thresholds {
  readonly critical: number;
  readonly warning?: number | null | undefined;
  readonly critical_recovery?: number | null | undefined;
  readonly warning_recovery?: number | null | undefined;
}

/** What the state machine needs of a monitor's query and options. */
export interface StateRules {
  readonly comparator: Comparator;
  readonly thresholds: Thresholds;
  /** The query's window (`last_5m` -> 300). */
  readonly windowSeconds: number;
  /** True when the query has `by {…}` (a multi-alert). */
  readonly multi: boolean;
  readonly notifyNoData: boolean;
  /** Minutes; default twice the window. */
  readonly noDataTimeframe?: number | null | undefined;
  readonly requireFullWindow: boolean;
  /** Minutes between re-notifications of a group still triggered; null = never. */
  readonly renotifyInterval?: number | null | undefined;
  /** Which states re-notify; default alert and no data (Datadog's default). */
  readonly renotifyStatuses?: readonly ('alert' | 'warn' | 'no data')[] | null | undefined;
  readonly renotifyOccurrences?: number | null | undefined;
  /** Hours without data after which a triggered group resolves on its own. */
  readonly timeoutH?: number | null | undefined;
  /**
   * Seconds a multi-alert skips a group that has just appeared (options.new_group_delay): its
   * data is not judged, so a host still starting cannot alert.
   */
  readonly newGroupDelay?: number | null | undefined;
}

/** One group of an evaluation: metric-query's evaluateMonitor answers these. */
export type EvaluatedGroup = MonitorGroup;

export interface GroupState {
  readonly group: string;
  readonly tags: readonly string[];
  readonly status: GroupStatus;
  /** UNIX seconds of the last status change. */
  readonly since: number;
  readonly lastValue: number | undefined;
  /** UNIX seconds of the last evaluation that saw data (the monitor's creation before any). */
  readonly lastDataAt: number;
  readonly firstTriggeredAt: number | undefined;
  readonly lastTriggeredAt: number | undefined;
  readonly lastNotifiedAt: number | undefined;
  readonly lastResolvedAt?: number | undefined;
  readonly lastNoDataAt?: number | undefined;
  readonly renotifyCount: number;
}

export interface MonitorState {
  /** UNIX seconds: when the monitor started being evaluated (No Data is counted from here). */
  readonly createdAt: number;
  readonly lastEvaluatedAt: number | undefined;
  readonly overall: GroupStatus;
  readonly groups: Readonly<Record<string, GroupState>>;
  /** Groups waiting out new_group_delay: name -> UNIX seconds it was first seen with data. */
  readonly pending?: Readonly<Record<string, number>> | undefined;
}

/** A change worth a notification (or a re-notification of an unchanged triggered group). */
export interface Transition {
  readonly group: string;
  readonly tags: readonly string[];
  readonly from: GroupStatus;
  readonly to: GroupStatus;
  readonly value: number | undefined;
  /** UNIX seconds. */
  readonly at: number;
  readonly renotify: boolean;
  readonly firstTriggeredAt: number | undefined;
  readonly lastTriggeredAt: number | undefined;
}

export interface StepResult {
  readonly state: MonitorState;
  readonly transitions: readonly Transition[];
}

const SEVERITY: Record<GroupStatus, number> = { OK: 0, 'No Data': 1, Warn: 2, Alert: 3 };
const TRIGGERED: ReadonlySet<GroupStatus> = new Set(['Alert', 'Warn', 'No Data']);

/** The state a monitor starts in: no groups, overall No Data (what Datadog answers on create). */
export function initialState(createdAt: number): MonitorState {
  return { createdAt, lastEvaluatedAt: undefined, overall: 'No Data', groups: {} };
}

const present = (v: number | null | undefined): v is number => v !== undefined && v !== null;

/**
 * The status a value puts a group in. Recovery thresholds add hysteresis: a group in Alert
 * stays there while the value still passes the comparator against `critical_recovery` (for
 * `> 800` with recovery 700 it leaves Alert only at <= 700); likewise Warn and `warning_recovery`.
 */
export function statusFor(value: number, previous: GroupStatus, rules: StateRules): GroupStatus {
  const { comparator: cmp, thresholds: t } = rules;
  if (compare(value, cmp, t.critical)) return 'Alert';
  if (previous === 'Alert' && present(t.critical_recovery) && compare(value, cmp, t.critical_recovery)) {
    return 'Alert';
  }
  if (present(t.warning) && compare(value, cmp, t.warning)) return 'Warn';
  if (
    (previous === 'Warn' || previous === 'Alert') &&
    present(t.warning) &&
    present(t.warning_recovery) &&
    compare(value, cmp, t.warning_recovery)
  ) {
    return 'Warn';
  }
  return 'OK';
}

/** The worst status among the groups: Alert > Warn > No Data > OK; No Data when there are none. */
export function overallOf(groups: Readonly<Record<string, GroupState>>): GroupStatus {
  let worst: GroupStatus | undefined;
  for (const g of Object.values(groups)) {
    if (worst === undefined || SEVERITY[g.status] > SEVERITY[worst]) worst = g.status;
  }
  return worst ?? 'No Data';
}

/** The full-window rule: the first bucket has data and at most 3 buckets are empty. */
export function windowIsFull(g: EvaluatedGroup): boolean {
  return g.firstBucketHasData && g.emptyBuckets <= 3;
}

/** Minutes of silence before No Data: the option, else twice the window. */
export function noDataMinutes(rules: StateRules): number {
  return present(rules.noDataTimeframe) && rules.noDataTimeframe > 0
    ? rules.noDataTimeframe
    : (2 * rules.windowSeconds) / 60;
}

function renotifies(status: GroupStatus, rules: StateRules): boolean {
  const statuses = rules.renotifyStatuses ?? ['alert', 'no data'];
  return (statuses as readonly string[]).includes(status.toLowerCase());
}

/**
 * Applies one evaluation at `now` (UNIX seconds) to a monitor's state. `seenWithinTimeframe`,
 * when given, names the groups that had any point in the last no_data_timeframe (Datadog's
 * No Data rule); without it silence is counted from the last evaluation that saw data.
 */
export function step(
  state: MonitorState,
  rules: StateRules,
  evaluated: readonly EvaluatedGroup[],
  now: number,
  seenWithinTimeframe?: ReadonlySet<string>,
): StepResult {
  const groups: Record<string, GroupState> = { ...state.groups };
  const transitions: Transition[] = [];
  const seen = new Set<string>();
  const delay = rules.multi && present(rules.newGroupDelay) ? rules.newGroupDelay : 0;
  // Only groups seen in this evaluation stay pending: one that falls silent starts over.
  const pending: Record<string, number> = {};

  const change = (
    prev: GroupState,
    to: GroupStatus,
    value: number | undefined,
    extra: Partial<GroupState>,
  ) => {
    const triggered = TRIGGERED.has(to);
    const next: GroupState = {
      ...prev,
      ...extra,
      status: to,
      since: now,
      lastValue: value ?? prev.lastValue,
      firstTriggeredAt: triggered ? (TRIGGERED.has(prev.status) ? prev.firstTriggeredAt : now) : undefined,
      lastTriggeredAt: triggered ? now : prev.lastTriggeredAt,
      lastNotifiedAt: now,
      lastResolvedAt: to === 'OK' ? now : prev.lastResolvedAt,
      lastNoDataAt: to === 'No Data' ? now : prev.lastNoDataAt,
      renotifyCount: 0,
    };
    groups[prev.group] = next;
    transitions.push({
      group: prev.group,
      tags: prev.tags,
      from: prev.status,
      to,
      value,
      at: now,
      renotify: false,
      firstTriggeredAt: next.firstTriggeredAt ?? prev.firstTriggeredAt,
      lastTriggeredAt: next.lastTriggeredAt,
    });
  };

  const fresh = (group: string, tags: readonly string[]): GroupState => ({
    group,
    tags,
    status: 'OK',
    since: now,
    lastValue: undefined,
    lastDataAt: state.createdAt,
    firstTriggeredAt: undefined,
    lastTriggeredAt: undefined,
    lastNotifiedAt: undefined,
    renotifyCount: 0,
  });

  for (const g of evaluated) {
    const hasData = g.value !== undefined && Number.isFinite(g.value) && g.pointCount > 0;
    if (!hasData) continue;
    seen.add(g.group);
    const prev = groups[g.group];
    if (!prev && delay > 0) {
      const firstSeen = state.pending?.[g.group] ?? now;
      if (now - firstSeen < delay) {
        pending[g.group] = firstSeen;
        continue;
      }
    }
    if (rules.requireFullWindow && !windowIsFull(g)) {
      // Skipped: the state stays as it was, but the group is not silent.
      if (prev) groups[g.group] = { ...prev, lastDataAt: now };
      continue;
    }
    const value = g.value as number;
    const base = prev ?? fresh(g.group, g.tags);
    const to = statusFor(value, base.status, rules);
    if (to !== base.status) change(base, to, value, { lastDataAt: now, tags: g.tags });
    else groups[g.group] = { ...base, lastValue: value, lastDataAt: now };
  }

  // Silent groups: No Data, dropped, or kept as they were.
  const silentLimit = noDataMinutes(rules) * 60;
  for (const prev of Object.values(state.groups)) {
    if (seen.has(prev.group)) continue;
    const silentFor = now - prev.lastDataAt;
    if (rules.notifyNoData) {
      // Silent for the whole timeframe: known exactly when the caller looked over it, else
      // bounded by the last evaluation that saw data.
      const silent = seenWithinTimeframe ? !seenWithinTimeframe.has(prev.group) : silentFor >= silentLimit;
      if (prev.status !== 'No Data' && silent && now - state.createdAt >= silentLimit) {
        change(prev, 'No Data', undefined, {});
      }
    } else if (rules.multi) {
      delete groups[prev.group];
    } else if (
      present(rules.timeoutH) &&
      rules.timeoutH > 0 &&
      prev.status !== 'OK' &&
      silentFor >= rules.timeoutH * 3600
    ) {
      change(prev, 'OK', undefined, {});
    }
  }
  // A simple alert that never had data still goes No Data once the timeframe has passed.
  if (
    !rules.multi &&
    rules.notifyNoData &&
    Object.keys(groups).length === 0 &&
    now - state.createdAt >= silentLimit
  ) {
    change({ ...fresh('*', []), since: state.createdAt }, 'No Data', undefined, {});
  }

  // Re-notify groups still triggered once renotify_interval has passed since the last notice.
  const interval = rules.renotifyInterval;
  if (present(interval) && interval > 0) {
    const justChanged = new Set(transitions.map((t) => t.group));
    for (const g of Object.values(groups)) {
      if (justChanged.has(g.group) || !renotifies(g.status, rules) || g.lastNotifiedAt === undefined)
        continue;
      if (now - g.lastNotifiedAt < interval * 60) continue;
      if (present(rules.renotifyOccurrences) && g.renotifyCount >= rules.renotifyOccurrences) continue;
      groups[g.group] = { ...g, lastNotifiedAt: now, renotifyCount: g.renotifyCount + 1 };
      transitions.push({
        group: g.group,
        tags: g.tags,
        from: g.status,
        to: g.status,
        value: g.lastValue,
        at: now,
        renotify: true,
        firstTriggeredAt: g.firstTriggeredAt,
        lastTriggeredAt: g.lastTriggeredAt,
      });
    }
  }

  return {
    state: {
      createdAt: state.createdAt,
      lastEvaluatedAt: now,
      overall: overallOf(groups),
      groups,
      ...(Object.keys(pending).length > 0 ? { pending } : {}),
    },
    transitions,
  };
}
