/** The JSON:API answer (DowntimeResponseData) for a stored downtime, and its `included` user. */
import type { DowntimeRecord, DowntimeSchedule, Json, JsonObject } from '../../db/types.ts';
import { currentOrNextWindow, downtimeStatus } from '../../downtimes/schedule.ts';
import { isoMicros } from '../timestamps.ts';
import type { SandboxUser } from '../user.ts';

function scheduleView(schedule: DowntimeSchedule, nowMs: number): JsonObject {
  if (schedule.kind === 'one_time') {
    return { start: isoMicros(schedule.start), end: schedule.end === null ? null : isoMicros(schedule.end) };
  }
  const w = currentOrNextWindow(schedule, nowMs);
  return {
    current_downtime: w ? { start: isoMicros(w.start), end: w.end === null ? null : isoMicros(w.end) } : {},
    recurrences: schedule.recurrences.map((r) => ({ duration: r.duration, rrule: r.rrule, start: r.start })),
    timezone: schedule.timezone,
  };
}

/** The user as JSON:API `included` (DowntimeIncludedUser). */
export function userResource(user: SandboxUser): JsonObject {
  return {
    type: 'users',
    id: user.uuid,
    attributes: {
      name: user.name,
      handle: user.handle,
      created_at: '2026-01-01T00:00:00.000000+00:00',
      modified_at: '2026-01-01T00:00:00.000000+00:00',
      email: user.email,
      icon: '',
      title: null,
      verified: true,
      service_account: false,
      disabled: false,
      allowed_login_methods: [],
      status: 'Active',
    },
  };
}

/** The JSON:API resource (DowntimeResponseData) of a downtime at `nowMs`. */
export function downtimeResource(d: DowntimeRecord, nowMs: number, user: SandboxUser): JsonObject {
  const monitorId = 'monitor_id' in d.monitor_identifier ? d.monitor_identifier.monitor_id : undefined;
  return {
    type: 'downtime',
    id: d.id,
    attributes: {
      canceled: d.canceled === null ? null : isoMicros(d.canceled),
      created: isoMicros(d.created),
      display_timezone: d.display_timezone,
      message: d.message,
      modified: isoMicros(d.modified),
      monitor_identifier: d.monitor_identifier as unknown as Json,
      mute_first_recovery_notification: d.mute_first_recovery_notification,
      notify_end_states: d.notify_end_states,
      notify_end_types: d.notify_end_types,
      schedule: scheduleView(d.schedule, nowMs),
      scope: d.scope,
      status: downtimeStatus(d, nowMs),
    },
    relationships: {
      created_by: { data: { type: 'users', id: user.uuid } },
      monitor: { data: monitorId === undefined ? null : { type: 'monitors', id: String(monitorId) } },
    },
  };
}
