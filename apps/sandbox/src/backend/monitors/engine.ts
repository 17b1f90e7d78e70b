/**
 * The live monitor engine: every minute of the sandbox clock it evaluates the metric monitors
 * that are due (each on its cadence), writes their state and history through ctx.store, and
 * sends their notifications (outbox, webhook, email) unless a downtime mutes them. It also
 * announces downtime starts and ends to the handles in the downtime's message.
 *
 * Time: a timer polls the clock (ScaledClock in demos runs minutes in seconds); tests with a
 * ManualClock call `tick()` after moving it, or `runUntil(t)`. A late tick catches up minute by
 * minute (at most `catchUpMinutes`), so every minute is evaluated exactly once.
 */
import type { SeriesSource } from '@dd-challenge/metric-query';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Store } from '../db/store.ts';
import type { MonitorGroupState, MonitorStateWrite, MonitorTransition, StoredMonitor } from '../db/types.ts';
import { compileMonitor, EVALUATED_TYPES } from './definition.ts';
import type { Delivery } from './delivery.ts';
import { DowntimeSet } from './downtime-match.ts';
import { MonitorRun, type PlannedNotification, type MonitorRun as Run, type RunEnvironment } from './run.ts';
import type { GroupState, GroupStatus, MonitorState } from './state.ts';
import { extractHandles, tagValue } from './template.ts';

const MINUTE = 60_000;

export interface EngineOptions {
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: Pick<Store, 'monitors' | 'downtimes' | 'events'>;
  readonly source: SeriesSource;
  /** Host name -> address, for {{host.ip}}. */
  readonly hosts?: { get(name: string): { readonly ip: string | undefined } | undefined };
  /** Where notifications go; without one they are only recorded in the history. */
  readonly delivery?: Delivery | undefined;
  /** The most minutes one tick evaluates after a pause (default one day). */
  readonly catchUpMinutes?: number;
}

/** What one evaluation cycle did (for tests, the bench and logs). */
export interface CycleReport {
  readonly at: number;
  readonly evaluated: number;
  readonly notifications: readonly PlannedNotification[];
  readonly errors: readonly { readonly monitorId: number; readonly error: string }[];
}

interface Entry {
  run: Run | undefined;
  modified: unknown;
  error: string | undefined;
}

/** Rebuilds the engine's group state from what the store kept (after a restart). */
function restoredState(stored: StoredMonitor, createdAt: number): MonitorState {
  const evaluatedAt = stored.state.evaluatedAt === null ? undefined : stored.state.evaluatedAt / 1000;
  const groups: Record<string, GroupState> = {};
  for (const [name, g] of Object.entries(stored.state.groups)) {
    const status = g.status as GroupStatus;
    if (!['OK', 'Warn', 'Alert', 'No Data'].includes(status)) continue;
    const triggered = status !== 'OK';
    groups[name] = {
      group: name,
      tags: g.tags ?? (name === '*' ? [] : name.split(',')),
      status,
      since: evaluatedAt ?? createdAt,
      lastValue: g.value ?? undefined,
      lastDataAt: status === 'No Data' ? (g.last_nodata_ts ?? createdAt) : (evaluatedAt ?? createdAt),
      firstTriggeredAt: triggered ? (g.last_triggered_ts ?? undefined) : undefined,
      lastTriggeredAt: g.last_triggered_ts ?? undefined,
      lastNotifiedAt: g.last_notified_ts ?? undefined,
      lastResolvedAt: g.last_resolved_ts ?? undefined,
      lastNoDataAt: g.last_nodata_ts ?? undefined,
      renotifyCount: 0,
    };
  }
  return {
    createdAt,
    lastEvaluatedAt: evaluatedAt,
    overall: stored.state.overallState as GroupStatus,
    groups,
  };
}

/** The store's shape of a group's state. */
export function storedGroup(g: GroupState): MonitorGroupState {
  return {
    name: g.group,
    status: g.status,
    last_triggered_ts: g.lastTriggeredAt ?? null,
    last_notified_ts: g.lastNotifiedAt ?? null,
    last_resolved_ts: g.lastResolvedAt ?? null,
    last_nodata_ts: g.lastNoDataAt ?? null,
    value: g.lastValue ?? null,
    tags: [...g.tags],
  };
}

/** A planned notification as a history entry's detail. */
function historyEntry(n: PlannedNotification): MonitorTransition {
  return {
    at: n.at,
    group: n.group,
    from: n.from,
    to: n.to,
    value: n.value ?? null,
    detail: {
      kind: n.kind,
      transition: n.transition,
      title: n.title,
      message: n.body,
      handles: [...n.handles],
      muted: n.muted,
      downtime_id: n.downtimeId ?? null,
    },
  };
}

export class MonitorEngine {
  readonly #options: EngineOptions;
  readonly #entries = new Map<number, Entry>();
  readonly #unsubscribe: () => void;
  #dirty = true;
  /** The downtimes and their cached windows; dropped whenever one is created, edited or canceled. */
  #downtimes: DowntimeSet | undefined;
  #lastCycle: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.#options = options;
    const offMonitors = options.store.monitors.changes.subscribe(() => {
      this.#dirty = true;
    });
    const offDowntimes = options.store.downtimes.changes.subscribe(() => {
      this.#downtimes = undefined;
    });
    this.#unsubscribe = () => {
      offMonitors();
      offDowntimes();
    };
  }

  /** The environment runs read: the metric store, the downtimes, the hosts. */
  environment(
    downtimes: DowntimeSet = new DowntimeSet(this.#options.store.downtimes.list()),
  ): RunEnvironment {
    const hosts = this.#options.hosts;
    return { source: this.#options.source, downtimes, hostIp: (name) => hosts?.get(name)?.ip };
  }

  /** Why a monitor is not evaluated (bad query, failing evaluation), if it is not. */
  errorOf(monitorId: number): string | undefined {
    this.#refresh();
    return this.#entries.get(monitorId)?.error;
  }

  /** Starts polling the clock every `pollMs` real milliseconds. */
  start(pollMs = 1000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      void this.tick();
    }, pollMs);
    this.#timer.unref();
  }

  /** Evaluates every minute from the last cycle up to the clock's current minute. */
  tick(): Promise<CycleReport[]> {
    return this.#serialize(() => {
      const target = Math.floor(this.#options.clock.now() / MINUTE) * MINUTE;
      const limit = this.#options.catchUpMinutes ?? 1440;
      let next = this.#lastCycle === undefined ? target : this.#lastCycle + MINUTE;
      if ((target - next) / MINUTE > limit) {
        this.#options.log.warn(
          { skipped: (target - next) / MINUTE - limit },
          'monitor engine: skipping minutes after a pause',
        );
        next = target - limit * MINUTE;
      }
      return this.#cycles(next, target);
    });
  }

  /** Evaluates every minute up to `untilMs` (whatever the clock says): for tests and demos. */
  runUntil(untilMs: number): Promise<CycleReport[]> {
    return this.#serialize(() => {
      const target = Math.floor(untilMs / MINUTE) * MINUTE;
      const next = this.#lastCycle === undefined ? target : this.#lastCycle + MINUTE;
      return this.#cycles(next, target);
    });
  }

  /** Stops the timer and waits for the cycle and the deliveries under way. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe();
    await this.#running;
    await this.#options.delivery?.close();
  }

  #serialize(work: () => CycleReport[]): Promise<CycleReport[]> {
    const result = this.#running.then(work);
    this.#running = result.catch((error: unknown) => {
      this.#options.log.error({ err: error }, 'monitor engine cycle failed');
    });
    return result;
  }

  #cycles(from: number, to: number): CycleReport[] {
    const reports: CycleReport[] = [];
    for (let at = from; at <= to; at += MINUTE) reports.push(this.runCycle(at));
    return reports;
  }

  #refresh(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    const seen = new Set<number>();
    for (const stored of this.#options.store.monitors.list()) {
      const doc = stored.doc;
      if (!EVALUATED_TYPES.has(doc.type)) continue;
      seen.add(doc.id);
      const entry = this.#entries.get(doc.id);
      if (entry && entry.modified === doc.modified) continue;
      const compiled = compileMonitor(doc);
      if (!compiled.ok) {
        this.#entries.set(doc.id, { run: undefined, modified: doc.modified, error: compiled.error });
        this.#options.log.warn({ monitor: doc.id, error: compiled.error }, 'monitor not evaluated');
        continue;
      }
      const createdAt =
        (typeof doc.created_at === 'number' ? doc.created_at : this.#options.clock.now()) / 1000;
      // An edit keeps the groups' states; a first sight restores them from the store (a group
      // stored as triggered and notified counts as announced, for the first-recovery rule).
      const state = entry?.run?.state ?? restoredState(stored, createdAt);
      const announced =
        entry?.run?.triggerSent ??
        new Map(
          Object.values(state.groups).map((g) => [
            g.group,
            g.status !== 'OK' && g.lastNotifiedAt !== undefined,
          ]),
        );
      this.#entries.set(doc.id, {
        run: new MonitorRun(compiled.value, state, announced),
        modified: doc.modified,
        error: undefined,
      });
    }
    for (const id of this.#entries.keys()) if (!seen.has(id)) this.#entries.delete(id);
  }

  /** One evaluation cycle at `atMs` (a whole minute): every due monitor, then downtime edges. */
  runCycle(atMs: number): CycleReport {
    this.#refresh();
    if (!this.#downtimes) this.#downtimes = new DowntimeSet(this.#options.store.downtimes.list());
    const downtimes = this.#downtimes;
    const env = this.environment(downtimes);
    const notifications: PlannedNotification[] = [];
    const errors: { monitorId: number; error: string }[] = [];
    const writes: { id: number; write: MonitorStateWrite }[] = [];
    const sent: { n: PlannedNotification; run: Run }[] = [];
    let evaluated = 0;
    for (const [id, entry] of this.#entries) {
      const run = entry.run;
      if (!run?.isDue(atMs)) continue;
      evaluated++;
      const result = run.evaluate(atMs, env);
      if (result.error) {
        if (entry.error !== result.error)
          this.#options.log.warn({ monitor: id, error: result.error }, 'monitor evaluation failed');
        entry.error = result.error;
        errors.push({ monitorId: id, error: result.error });
        continue;
      }
      entry.error = undefined;
      const groups: Record<string, MonitorGroupState> = {};
      for (const g of Object.values(run.state.groups)) groups[g.group] = storedGroup(g);
      writes.push({
        id,
        write: {
          at: atMs,
          overallState: run.state.overall,
          groups,
          transitions: result.notifications.map(historyEntry),
        },
      });
      for (const n of result.notifications) sent.push({ n, run });
    }
    // One transaction for the whole cycle; a monitor deleted meanwhile notifies nobody.
    const gone = new Set(this.#options.store.monitors.writeStates(writes));
    for (const id of gone) this.#entries.delete(id);
    for (const { n, run } of sent) {
      if (gone.has(n.monitorId)) continue;
      notifications.push(n);
      this.#logNotification(n, run);
      this.#deliver(n, run);
      if (n.kind === 'transition' && !n.muted) this.#recordEvent(n);
    }
    this.#announceDowntimes(downtimes, atMs);
    this.#lastCycle = atMs;
    return { at: atMs, evaluated, notifications, errors };
  }

  /** One line per state change or reminder: what a person running the demo wants to see. */
  #logNotification(n: PlannedNotification, run: Run): void {
    const group = n.group === '*' ? '' : ` {${n.group}}`;
    const change = n.kind === 'transition' ? `${n.from} -> ${n.to}` : `${n.transition} (${n.to})`;
    const to = n.muted
      ? `muted by downtime ${n.downtimeId ?? ''}`.trim()
      : n.handles.length > 0
        ? `notifying ${n.handles.map((h) => `@${h}`).join(' ')}`
        : 'nobody to notify';
    this.#options.log.info(
      { monitor: n.monitorId, group: n.group, from: n.from, to: n.to, muted: n.muted },
      `monitor ${n.monitorId} "${run.monitor.name}"${group}: ${change}, ${to}`,
    );
  }

  #deliver(n: PlannedNotification, run: Run): void {
    this.#options.delivery?.send(
      {
        source: 'monitor',
        to: [...n.handles],
        title: n.title,
        body: n.body,
        monitorId: n.monitorId,
        group: n.group,
        transition: n.transition,
        detail: {
          kind: n.kind,
          from: n.from,
          to: n.to,
          value: n.value ?? null,
          muted: n.muted,
          downtime_id: n.downtimeId ?? null,
          monitor_name: run.monitor.name,
        },
      },
      n.muted,
      n.at,
    );
  }

  /** A state change in the event stream, as Datadog records monitor alerts (not when muted). */
  #recordEvent(n: PlannedNotification): void {
    const alertType = n.to === 'Alert' ? 'error' : n.to === 'OK' ? 'success' : 'warning';
    try {
      this.#options.store.events.add(
        {
          title: n.title,
          text: n.body,
          date_happened: Math.floor(n.at / 1000),
          priority: 'normal',
          alert_type: alertType,
          host: tagValue(n.tags, 'host') ?? null,
          aggregation_key: `monitor:${n.monitorId}`,
          source_type_name: 'Monitor Alert',
          related_event_id: null,
          device_name: null,
          tags: [...n.tags, `monitor_id:${n.monitorId}`],
        },
        n.at,
      );
    } catch (error) {
      this.#options.log.warn({ err: error, monitor: n.monitorId }, 'monitor event not recorded');
    }
  }

  /** Tells the handles of a downtime's message when one of its windows starts or ends. */
  #announceDowntimes(downtimes: DowntimeSet, atMs: number): void {
    const delivery = this.#options.delivery;
    if (this.#lastCycle === undefined) return;
    for (const edge of downtimes.edgesBetween(this.#lastCycle, atMs)) {
      const message = edge.downtime.message ?? '';
      const handles = extractHandles(message);
      const what = edge.kind === 'start' ? 'started' : edge.endType === 'canceled' ? 'canceled' : 'ended';
      this.#options.log.info(
        { downtime: edge.downtime.id, edge: edge.kind },
        `downtime ${edge.downtime.id} on ${edge.downtime.scope} ${what}`,
      );
      if (!delivery || handles.length === 0) continue;
      delivery.send(
        {
          source: 'downtime',
          to: handles,
          title: `Downtime ${what} on ${edge.downtime.scope}`,
          body: message,
          transition: `Downtime ${what}`,
          detail: { downtime_id: edge.downtime.id, window_edge: new Date(edge.at).toISOString() },
        },
        false,
        atMs,
      );
    }
  }
}
