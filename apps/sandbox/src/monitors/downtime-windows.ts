/**
 * The concrete muted windows of a v2 downtime: one-time `{start, end}` or recurrences
 * `{rrule, duration, start}` in the schedule's IANA timezone.
 *
 * DST: the `rrule` package (maintained, RFC 5545) expands the rule over *wall-clock* times
 * (floating, computed in UTC arithmetic so it never sees a DST jump); each occurrence is then
 * placed in the timezone with Intl. So "19:00 every weekday" is 19:00 local before and after a
 * change. Durations in minutes/hours are elapsed time; in days/weeks they are calendar days in
 * the timezone (Sat 00:00 + 2d ends Mon 00:00 local even across a DST weekend).
 * A wall time that does not exist (02:30 on a spring-forward night) moves forward by the gap;
 * one that happens twice (fall back) takes the first.
 */
import rrule from 'rrule';

const { RRule } = rrule;

export interface Recurrence {
  readonly rrule: string;
  readonly duration: string;
  /** Local wall time in the schedule's timezone (`2026-11-24T19:00`), or an instant with offset. */
  readonly start?: string | null | undefined;
}

export interface OneTimeSchedule {
  readonly start?: string | null | undefined;
  readonly end?: string | null | undefined;
}

export interface RecurringSchedule {
  readonly recurrences: readonly Recurrence[];
  readonly timezone?: string | null | undefined;
}

export type DowntimeSchedule = OneTimeSchedule | RecurringSchedule;

/** The parts of a v2 downtime that decide when it mutes. */
export interface ScheduledDowntime {
  readonly id: string;
  readonly schedule?: DowntimeSchedule | null | undefined;
  /** ISO instant the downtime was created (the default start). */
  readonly created?: string | null | undefined;
  /** ISO instant it was canceled; no window reaches past it. */
  readonly canceled?: string | null | undefined;
}

/** A muted interval [start, end) in epoch ms; end undefined = open-ended. */
export interface MutedWindow {
  readonly downtimeId: string;
  readonly start: number;
  readonly end: number | undefined;
  /** True when a cancellation cut the window short. */
  readonly canceled: boolean;
}

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `instant` in `timeZone`, as if it were UTC (epoch ms). */
export function wallOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const ms = instant - Math.floor(instant / 1000) * 1000;
  return (
    Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    ) + ms
  );
}

/** UTC offset of `timeZone` at `instant`, in ms (New York in winter: -5 h). */
export function offsetAt(instant: number, timeZone: string): number {
  return wallOf(instant, timeZone) - instant;
}

/** The instant a wall-clock time (given as if UTC) happens in `timeZone`. */
export function instantOf(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const candidates = [wall - before, wall - after].sort((a, b) => a - b);
  for (const c of candidates) if (wallOf(c, timeZone) === wall) return c;
  return wall - before; // in a spring-forward gap: move forward by the gap
}

/** `2026-11-24T19:00:00-05:00`: an instant written in a timezone. */
export function formatInZone(instant: number, timeZone: string): string {
  const wall = wallOf(instant, timeZone);
  const offsetMin = Math.round((wall - instant) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** Parses Datadog's downtime duration `<n>m|h|d|w`; undefined when malformed. */
export function parseDuration(text: string): { amount: number; unit: 'm' | 'h' | 'd' | 'w' } | undefined {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!m) return undefined;
  return { amount: Number(m[1]), unit: m[2] as 'm' | 'h' | 'd' | 'w' };
}

function endOf(startWall: number, startInstant: number, duration: string, timeZone: string): number {
  const d = parseDuration(duration);
  if (!d) throw new Error(`invalid downtime duration ${JSON.stringify(duration)} (expected <n>m, h, d or w)`);
  if (d.unit === 'm') return startInstant + d.amount * 60_000;
  if (d.unit === 'h') return startInstant + d.amount * 3_600_000;
  return instantOf(startWall + d.amount * (d.unit === 'd' ? 1 : 7) * DAY, timeZone);
}

const HAS_OFFSET = /(Z|[+-]\d\d:?\d\d)$/i;

/** A recurrence's start as a wall time in the timezone. */
function startWall(start: string | null | undefined, fallback: number, timeZone: string): number {
  if (!start) return wallOf(fallback, timeZone);
  if (HAS_OFFSET.test(start)) return wallOf(Date.parse(start), timeZone);
  const wall = Date.parse(`${start}${start.length <= 10 ? 'T00:00:00' : ''}Z`);
  if (Number.isNaN(wall)) throw new Error(`invalid recurrence start ${JSON.stringify(start)}`);
  return wall;
}

function longestSpan(duration: string): number {
  const d = parseDuration(duration);
  if (!d) return DAY;
  return d.amount * { m: 60_000, h: 3_600_000, d: DAY, w: 7 * DAY }[d.unit] + DAY;
}

/**
 * The windows of `downtime` that overlap [from, to) (epoch ms), in start order.
 * Throws on a schedule that cannot be read (bad RRULE, duration or timezone).
 */
export function windowsBetween(downtime: ScheduledDowntime, from: number, to: number): MutedWindow[] {
  const created = downtime.created ? Date.parse(downtime.created) : from;
  const canceledAt = downtime.canceled ? Date.parse(downtime.canceled) : undefined;
  const out: MutedWindow[] = [];
  const push = (start: number, end: number | undefined) => {
    if (canceledAt !== undefined && start >= canceledAt) return;
    const cut = canceledAt !== undefined && (end === undefined || end > canceledAt);
    const finalEnd = cut ? canceledAt : end;
    if (start < to && (finalEnd === undefined || finalEnd > from)) {
      out.push({ downtimeId: downtime.id, start, end: finalEnd, canceled: cut });
    }
  };
  const schedule = downtime.schedule ?? {};
  if (!('recurrences' in schedule)) {
    const start = schedule.start ? Date.parse(schedule.start) : created;
    const end = schedule.end ? Date.parse(schedule.end) : undefined;
    push(start, end);
    return out;
  }
  const timeZone = schedule.timezone || 'UTC';
  const fromWall = wallOf(from, timeZone);
  const toWall = wallOf(to, timeZone);
  for (const rec of schedule.recurrences) {
    const dtstart = startWall(rec.start, created, timeZone);
    const options = RRule.parseString(rec.rrule.replace(/^RRULE:/i, ''));
    const rule = new RRule({ ...options, dtstart: new Date(dtstart), tzid: null });
    const occurrences = rule.between(
      new Date(fromWall - longestSpan(rec.duration)),
      new Date(toWall + DAY),
      true,
    );
    for (const occurrence of occurrences) {
      const wall = occurrence.getTime();
      const start = instantOf(wall, timeZone);
      push(start, endOf(wall, start, rec.duration, timeZone));
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** True when the downtime mutes at `instant` (epoch ms). */
export function isActiveAt(downtime: ScheduledDowntime, instant: number): boolean {
  return windowsBetween(downtime, instant, instant + 1).length > 0;
}
