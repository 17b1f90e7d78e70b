/** A downtime record from the attributes of a create or update request (v2 JSON:API). */
import { randomUUID } from 'node:crypto';
import type {
  DowntimeRecord,
  DowntimeSchedule,
  Json,
  JsonObject,
  MonitorIdentifier,
  Recurrence,
} from '../../db/types.ts';
import { parseDuration, rruleProblem } from '../../downtimes/schedule.ts';
import { parseScope } from '../../downtimes/scope.ts';
import { formatLocal, isTimeZone, parseLocal, toWall } from '../../downtimes/timezone.ts';
import { badRequest } from '../errors.ts';

const DEFAULT_END_STATES = ['alert', 'no data', 'warn'];
const DEFAULT_END_TYPES = ['expired'];

function instant(value: Json | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw badRequest(`'${field}' must be an ISO-8601 date-time`);
  return ms;
}

/** A recurrence's start as local wall time in the zone ('YYYY-MM-DDTHH:mm'); now when absent. */
function localStart(value: Json | undefined, zone: string, nowMs: number, field: string): string {
  if (value === undefined || value === null) return formatLocal(toWall(nowMs, zone));
  const text = String(value);
  const local = parseLocal(text.slice(0, 19));
  if (/([zZ]|[+-]\d{2}:?\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw badRequest(`'${field}' must be an ISO-8601 date-time`);
    return formatLocal(toWall(ms, zone));
  }
  if (local === undefined) throw badRequest(`'${field}' must be a local date-time like 2026-01-31T09:00`);
  return new Date(local).toISOString().slice(0, text.length > 16 ? 19 : 16);
}

function recurrencesOf(given: Json, zone: string, nowMs: number): Recurrence[] {
  if (!Array.isArray(given) || given.length === 0)
    throw badRequest("'schedule.recurrences' must list at least one recurrence");
  return given.map((r, i) => {
    const rec = r as JsonObject;
    const rrule = String(rec.rrule);
    const problem = rruleProblem(rrule);
    if (problem) throw badRequest(problem);
    const duration = String(rec.duration);
    if (!parseDuration(duration)) {
      throw badRequest(
        `The value provided for parameter 'duration' is invalid: '${duration}' (expected <number> followed by m, h, d or w, e.g. 30m)`,
      );
    }
    return { rrule, duration, start: localStart(rec.start, zone, nowMs, `schedule.recurrences[${i}].start`) };
  });
}

/** The stored schedule from a create/update body's `schedule` (absent: from now, no end). */
export function scheduleOf(
  given: Json | undefined,
  nowMs: number,
  previous?: DowntimeSchedule,
): DowntimeSchedule {
  const s = (given ?? {}) as JsonObject;
  if (s.recurrences !== undefined || (s.timezone !== undefined && previous?.kind === 'recurring')) {
    const zone = String(s.timezone ?? (previous?.kind === 'recurring' ? previous.timezone : 'UTC'));
    if (!isTimeZone(zone)) throw badRequest(`'schedule.timezone' is not a known IANA timezone: ${zone}`);
    const recurrences =
      s.recurrences !== undefined
        ? recurrencesOf(s.recurrences, zone, nowMs)
        : previous?.kind === 'recurring'
          ? previous.recurrences
          : [];
    return { kind: 'recurring', timezone: zone, recurrences };
  }
  const old = previous?.kind === 'one_time' ? previous : undefined;
  const start = 'start' in s ? (instant(s.start, 'schedule.start') ?? nowMs) : (old?.start ?? nowMs);
  const end = 'end' in s ? (instant(s.end, 'schedule.end') ?? null) : (old?.end ?? null);
  if (end !== null && end <= start) throw badRequest("'schedule.end' must be after 'schedule.start'");
  return { kind: 'one_time', start, end };
}

/** Checks a scope; throws Datadog's 400 wording. */
export function checkScope(scope: string): void {
  const parsed = parseScope(scope);
  if (!parsed.ok) throw badRequest(parsed.error);
}

function identifierOf(given: Json | undefined): MonitorIdentifier {
  const m = given as JsonObject;
  if (typeof m.monitor_id === 'number') return { monitor_id: m.monitor_id };
  const tags = m.monitor_tags as string[];
  if (!Array.isArray(tags) || tags.length === 0)
    throw badRequest("'monitor_identifier.monitor_tags' must list at least one tag");
  return { monitor_tags: tags };
}

/** A new downtime from validated attributes. */
export function newDowntime(attributes: JsonObject, nowMs: number): DowntimeRecord {
  checkScope(String(attributes.scope));
  return {
    id: randomUUID(),
    scope: String(attributes.scope),
    monitor_identifier: identifierOf(attributes.monitor_identifier),
    schedule: scheduleOf(attributes.schedule, nowMs),
    message: (attributes.message as string | null | undefined) ?? null,
    display_timezone: (attributes.display_timezone as string | undefined) ?? 'UTC',
    mute_first_recovery_notification:
      (attributes.mute_first_recovery_notification as boolean | undefined) ?? false,
    notify_end_states: (attributes.notify_end_states as string[] | undefined) ?? DEFAULT_END_STATES,
    notify_end_types: (attributes.notify_end_types as string[] | undefined) ?? DEFAULT_END_TYPES,
    created: nowMs,
    modified: nowMs,
    canceled: null,
  };
}

/** A downtime with the given attributes changed. */
export function updatedDowntime(old: DowntimeRecord, attributes: JsonObject, nowMs: number): DowntimeRecord {
  const next: DowntimeRecord = { ...old, modified: nowMs };
  if (attributes.scope !== undefined && attributes.scope !== null) {
    checkScope(String(attributes.scope));
    next.scope = String(attributes.scope);
  }
  if (attributes.monitor_identifier) next.monitor_identifier = identifierOf(attributes.monitor_identifier);
  if (attributes.schedule !== undefined) next.schedule = scheduleOf(attributes.schedule, nowMs, old.schedule);
  if (attributes.message !== undefined) next.message = (attributes.message as string | null) ?? null;
  if (typeof attributes.display_timezone === 'string') next.display_timezone = attributes.display_timezone;
  if (typeof attributes.mute_first_recovery_notification === 'boolean') {
    next.mute_first_recovery_notification = attributes.mute_first_recovery_notification;
  }
  if (Array.isArray(attributes.notify_end_states))
    next.notify_end_states = attributes.notify_end_states as string[];
  if (Array.isArray(attributes.notify_end_types))
    next.notify_end_types = attributes.notify_end_types as string[];
  return next;
}
