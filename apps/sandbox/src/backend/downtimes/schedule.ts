import rrule from 'rrule';
import type { DowntimeRecord, DowntimeSchedule, Recurrence } from '../db/types.ts';
import { fromWall, parseLocal, toWall } from './timezone.ts';

// rrule ships CommonJS for Node: take RRule off the default export.
const { RRule } = rrule;
type RRule = InstanceType<typeof RRule>;

/**
 * Downtime schedules: one-time windows and RRULE recurrences read in the schedule's IANA
 * timezone, DST-correct. The RRULE is expanded by the `rrule` package over floating (wall
 * clock) times, and each occurrence is then placed in the zone with Intl; this is rrule's own
 * advice for zone-correct results and does not depend on the machine's TZ.
 * Shared by the API (status, current_downtime) and the monitor engine (muting).
 */
export interface DowntimeWindow {
  /** ms since the epoch. */
  start: number;
  /** ms since the epoch; null = open-ended. */
  end: number | null;
}

export type DowntimeStatus = 'scheduled' | 'active' | 'canceled' | 'ended';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_MS = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY } as const;
const MAX_OCCURRENCES = 10_000;

/** Parses a downtime duration `<n>m|h|d|w`; undefined when malformed. */
export function parseDuration(text: string): { count: number; unit: keyof typeof UNIT_MS } | undefined {
  const m = /^(\d+)([mhdw])$/.exec(text);
  if (!m || Number(m[1]) <= 0) return undefined;
  return { count: Number(m[1]), unit: m[2] as keyof typeof UNIT_MS };
}

/** The end of an occurrence: minutes and hours are elapsed time, days and weeks are wall-clock days. */
function endOf(startWall: number, duration: string, zone: string): number {
  const d = parseDuration(duration);
  if (!d) throw new Error(`invalid duration ${duration}`);
  const start = fromWall(startWall, zone);
  if (d.unit === 'm' || d.unit === 'h') return start + d.count * UNIT_MS[d.unit];
  return fromWall(startWall + d.count * UNIT_MS[d.unit], zone);
}

function maxSpan(duration: string): number {
  const d = parseDuration(duration);
  return d ? d.count * UNIT_MS[d.unit] + 2 * HOUR : DAY;
}

/** Checks an RRULE as Datadog does; returns the problem or undefined. */
export function rruleProblem(rrule: string): string | undefined {
  if (/(^|[;\n:])\s*(DTSTART|DTEND|DURATION)\b/i.test(rrule)) {
    return `The value provided for parameter 'rrule' is invalid: DTSTART, DTEND and DURATION are not supported in RRULE: ${rrule}`;
  }
  try {
    const options = RRule.parseString(rrule.replace(/^RRULE:/i, ''));
    if (options.freq === undefined)
      return `The value provided for parameter 'rrule' is invalid: FREQ is required: ${rrule}`;
    new RRule({ ...options, dtstart: new Date(0) }).after(new Date(0));
  } catch (error) {
    return `The value provided for parameter 'rrule' is invalid: ${(error as Error).message}`;
  }
  return undefined;
}

const rules = new Map<string, RRule>();

function ruleOf(recurrence: Recurrence): RRule {
  const key = `${recurrence.rrule}|${recurrence.start}`;
  let rule = rules.get(key);
  if (!rule) {
    const start = parseLocal(recurrence.start);
    if (start === undefined) throw new Error(`invalid recurrence start ${recurrence.start}`);
    const options = RRule.parseString(recurrence.rrule.replace(/^RRULE:/i, ''));
    rule = new RRule({ ...options, dtstart: new Date(start), tzid: null });
    if (rules.size > 1000) rules.clear();
    rules.set(key, rule);
  }
  return rule;
}

/** Occurrences of one recurrence overlapping [fromMs, toMs). */
function recurrenceWindows(rec: Recurrence, zone: string, fromMs: number, toMs: number): DowntimeWindow[] {
  const rule = ruleOf(rec);
  const wallFrom = toWall(fromMs - maxSpan(rec.duration), zone) - DAY;
  const wallTo = toWall(toMs, zone) + DAY;
  const out: DowntimeWindow[] = [];
  rule.between(new Date(wallFrom), new Date(wallTo), true, (date, i) => {
    const wall = date.getTime();
    const start = fromWall(wall, zone);
    const end = endOf(wall, rec.duration, zone);
    if (end > fromMs && start < toMs) out.push({ start, end });
    return i < MAX_OCCURRENCES;
  });
  return out;
}

/** Every window of a schedule overlapping [fromMs, toMs), by start time. */
export function downtimeWindows(schedule: DowntimeSchedule, fromMs: number, toMs: number): DowntimeWindow[] {
  if (schedule.kind === 'one_time') {
    const { start, end } = schedule;
    return start < toMs && (end === null || end > fromMs) && (end === null || end > start)
      ? [{ start, end }]
      : [];
  }
  return schedule.recurrences
    .flatMap((rec) => recurrenceWindows(rec, schedule.timezone, fromMs, toMs))
    .sort((a, b) => a.start - b.start);
}

/** The window covering `atMs`, if any. */
export function activeWindow(schedule: DowntimeSchedule, atMs: number): DowntimeWindow | undefined {
  return downtimeWindows(schedule, atMs, atMs + 1).find(
    (w) => w.start <= atMs && (w.end === null || w.end > atMs),
  );
}

/** The first window starting at or after `afterMs`, if any. */
export function nextWindow(schedule: DowntimeSchedule, afterMs: number): DowntimeWindow | undefined {
  if (schedule.kind === 'one_time')
    return schedule.start >= afterMs ? { start: schedule.start, end: schedule.end } : undefined;
  let best: DowntimeWindow | undefined;
  for (const rec of schedule.recurrences) {
    const rule = ruleOf(rec);
    let date = rule.after(new Date(toWall(afterMs, schedule.timezone) - 2 * DAY), true);
    for (let i = 0; date && i < MAX_OCCURRENCES; i++) {
      const start = fromWall(date.getTime(), schedule.timezone);
      if (start >= afterMs) {
        if (!best || start < best.start)
          best = { start, end: endOf(date.getTime(), rec.duration, schedule.timezone) };
        break;
      }
      date = rule.after(date, false);
    }
  }
  return best;
}

/** The window in force at `atMs`, else the next one: Datadog's `current_downtime`. */
export function currentOrNextWindow(schedule: DowntimeSchedule, atMs: number): DowntimeWindow | undefined {
  return activeWindow(schedule, atMs) ?? nextWindow(schedule, atMs);
}

/** Whether a downtime mutes at `atMs`: inside a window and not canceled before then. */
export function isDowntimeActive(downtime: DowntimeRecord, atMs: number): boolean {
  if (downtime.canceled !== null && downtime.canceled <= atMs) return false;
  return activeWindow(downtime.schedule, atMs) !== undefined;
}

/** Datadog's `status` of a downtime at `nowMs`. */
export function downtimeStatus(downtime: DowntimeRecord, nowMs: number): DowntimeStatus {
  if (downtime.canceled !== null) return 'canceled';
  if (activeWindow(downtime.schedule, nowMs)) return 'active';
  return nextWindow(downtime.schedule, nowMs) ? 'scheduled' : 'ended';
}
