/**
 * The downtime calendar: the concrete muted windows of the coming days, each written in its
 * downtime's own timezone (recurring: the schedule's; one-time: display_timezone) and in UTC.
 */

import type { DowntimeRecord } from '../db/types.ts';
import { downtimeWindows } from './schedule.ts';
import { toWall } from './timezone.ts';

export interface CalendarWindow {
  readonly downtime_id: string;
  readonly scope: string;
  readonly message: string | null;
  readonly timezone: string;
  /** `2026-11-24T19:00:00-05:00` in the downtime's timezone. */
  readonly start: string;
  readonly end: string | null;
  readonly start_utc: string;
  readonly end_utc: string | null;
  /** True when a cancellation cut the window short. */
  readonly canceled: boolean;
}

/** An instant written in a timezone with its offset: `2026-11-24T19:00:00-05:00`. */
export function formatInZone(ms: number, zone: string): string {
  const wall = toWall(ms, zone);
  const offsetMin = Math.round((wall - ms) / 60_000);
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 19)}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
}

function zoneOf(downtime: DowntimeRecord): string {
  if (downtime.schedule.kind === 'recurring') return downtime.schedule.timezone;
  return downtime.display_timezone || 'UTC';
}

/** Every muted window overlapping [fromMs, toMs), by start time. */
export function downtimeCalendar(
  downtimes: readonly DowntimeRecord[],
  fromMs: number,
  toMs: number,
): CalendarWindow[] {
  const out: (CalendarWindow & { at: number })[] = [];
  for (const d of downtimes) {
    const zone = zoneOf(d);
    const canceled = d.canceled ?? Number.POSITIVE_INFINITY;
    for (const w of downtimeWindows(d.schedule, fromMs, toMs)) {
      if (w.start >= canceled) continue;
      const cut = canceled < (w.end ?? Number.POSITIVE_INFINITY);
      const end = cut ? canceled : w.end;
      out.push({
        at: w.start,
        downtime_id: d.id,
        scope: d.scope,
        message: d.message,
        timezone: zone,
        start: formatInZone(w.start, zone),
        end: end === null ? null : formatInZone(end, zone),
        start_utc: new Date(w.start).toISOString(),
        end_utc: end === null ? null : new Date(end).toISOString(),
        canceled: cut,
      });
    }
  }
  return out.sort((a, b) => a.at - b.at).map(({ at: _at, ...w }) => w);
}
