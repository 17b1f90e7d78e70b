/**
 * The engine's downtime rules on top of the API's schedule and scope code (src/api/downtimes/,
 * one implementation for `status` and for muting): which downtime mutes a group now, which
 * windows started or ended between two evaluations, and whether an end re-notifies.
 */

import type { DowntimeRecord } from '../db/types.ts';
import { appliesToMonitor, type MonitorRef } from '../downtimes/match.ts';
import { type DowntimeWindow, downtimeWindows } from '../downtimes/schedule.ts';
import { scopeMatches } from '../downtimes/scope.ts';
import type { GroupStatus } from './state.ts';

export type { MonitorRef } from '../downtimes/match.ts';

/** A downtime window boundary crossed between two evaluations. */
export interface DowntimeEdge {
  readonly downtime: DowntimeRecord;
  /** Epoch ms. */
  readonly at: number;
  readonly kind: 'start' | 'end';
  /** For ends: Datadog's notify_end_types vocabulary. */
  readonly endType?: 'expired' | 'canceled';
}

/** Datadog's defaults when a downtime leaves them empty. */
const DEFAULT_END_STATES = ['alert', 'no data', 'warn'];
const DEFAULT_END_TYPES = ['expired'];

/** True when the downtime picks the monitor and its scope contains the group's tags. */
export function covers(downtime: DowntimeRecord, monitor: MonitorRef, groupTags: readonly string[]): boolean {
  return appliesToMonitor(downtime, monitor) && scopeMatches(downtime.scope, groupTags);
}

const DAY = 86_400_000;

/**
 * The downtimes in force for a run of evaluations, with their windows cached over a span of
 * days: expanding an RRULE walks from its start every time, too slow to repeat each minute.
 */
export class DowntimeSet {
  readonly list: readonly DowntimeRecord[];
  readonly #cache = new Map<string, { from: number; to: number; windows: DowntimeWindow[] }>();

  constructor(downtimes: readonly DowntimeRecord[]) {
    this.list = downtimes;
  }

  /** The downtime's windows overlapping [fromMs, toMs). */
  windows(downtime: DowntimeRecord, fromMs: number, toMs: number): DowntimeWindow[] {
    let cached = this.#cache.get(downtime.id);
    if (!cached || fromMs < cached.from || toMs > cached.to) {
      const from = fromMs - DAY;
      const to = Math.max(toMs, fromMs) + 7 * DAY;
      cached = { from, to, windows: downtimeWindows(downtime.schedule, from, to) };
      this.#cache.set(downtime.id, cached);
    }
    return cached.windows.filter((w) => w.start < toMs && (w.end === null || w.end > fromMs));
  }

  /** True when one of the downtime's windows (cut short by a cancel) holds `atMs`. */
  activeAt(downtime: DowntimeRecord, atMs: number): boolean {
    if (downtime.canceled !== null && downtime.canceled <= atMs) return false;
    return this.windows(downtime, atMs, atMs + 1).some(
      (w) => w.start <= atMs && (w.end === null || w.end > atMs),
    );
  }

  /** The first downtime muting this monitor's group at `atMs`, if any. */
  mutingAt(monitor: MonitorRef, groupTags: readonly string[], atMs: number): DowntimeRecord | undefined {
    return this.list.find((d) => covers(d, monitor, groupTags) && this.activeAt(d, atMs));
  }

  /** Window starts and ends in (fromMs, toMs], oldest first; a cancel ends the window it cuts. */
  edgesBetween(fromMs: number, toMs: number): DowntimeEdge[] {
    const edges: DowntimeEdge[] = [];
    for (const downtime of this.list) {
      const canceled = downtime.canceled ?? Number.POSITIVE_INFINITY;
      for (const w of this.windows(downtime, fromMs - 1, toMs + 1)) {
        if (w.start >= canceled) continue;
        if (w.start > fromMs && w.start <= toMs) edges.push({ downtime, at: w.start, kind: 'start' });
        const end = Math.min(w.end ?? Number.POSITIVE_INFINITY, canceled);
        if (end > fromMs && end <= toMs) {
          const endType = end === canceled && (w.end === null || canceled < w.end) ? 'canceled' : 'expired';
          edges.push({ downtime, at: end, kind: 'end', endType });
        }
      }
    }
    return edges.sort((a, b) => a.at - b.at);
  }
}

/** True when one of the downtime's windows (cut short by a cancel) holds `atMs`. */
export function activeAt(downtime: DowntimeRecord, atMs: number): boolean {
  return new DowntimeSet([downtime]).activeAt(downtime, atMs);
}

/** The first downtime muting this monitor's group at `atMs`, if any. */
export function mutingAt(
  downtimes: readonly DowntimeRecord[],
  monitor: MonitorRef,
  groupTags: readonly string[],
  atMs: number,
): DowntimeRecord | undefined {
  return new DowntimeSet(downtimes).mutingAt(monitor, groupTags, atMs);
}

/** Window starts and ends in (fromMs, toMs], oldest first; a cancel ends the window it cuts. */
export function edgesBetween(
  downtimes: readonly DowntimeRecord[],
  fromMs: number,
  toMs: number,
): DowntimeEdge[] {
  return new DowntimeSet(downtimes).edgesBetween(fromMs, toMs);
}

/** Whether a group still in `status` is notified again when this downtime ends this way. */
export function endNotifies(
  downtime: DowntimeRecord,
  endType: 'expired' | 'canceled',
  status: GroupStatus,
): boolean {
  const types = downtime.notify_end_types.length > 0 ? downtime.notify_end_types : DEFAULT_END_TYPES;
  const states = downtime.notify_end_states.length > 0 ? downtime.notify_end_states : DEFAULT_END_STATES;
  return types.includes(endType) && states.includes(status.toLowerCase());
}
