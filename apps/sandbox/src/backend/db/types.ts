/** JSON as stored: the API documents keep every field a client sent (Datadog echoes unknown ones). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Datadog's monitor states (MonitorOverallStates). */
export type MonitorStatus = 'OK' | 'Alert' | 'Warn' | 'No Data' | 'Unknown' | 'Ignored' | 'Skipped';

/** A monitor definition as the API answers it (v1 Monitor), minus the state fields. */
export interface MonitorDoc extends JsonObject {
  id: number;
  type: string;
  name: string;
  message: string;
  query: string;
  tags: string[];
  options: JsonObject;
  multi: boolean;
  priority: number | null;
  created: string;
  modified: string;
  created_at: number;
}

/** One group's state, in the shape of Datadog's `state.groups[name]` (timestamps in UNIX seconds). */
export interface MonitorGroupState {
  /** 'host:a,env:prod', or '*' for a monitor without groups. */
  name: string;
  status: MonitorStatus;
  last_triggered_ts: number | null;
  last_notified_ts: number | null;
  last_resolved_ts: number | null;
  last_nodata_ts: number | null;
  /** Sandbox extras for the console: the last evaluated value and the group's tags. */
  value?: number | null;
  tags?: string[];
}

/** A state change of one group, kept in the monitor's history. */
export interface MonitorTransition {
  /** Milliseconds since the epoch (sandbox clock). */
  at: number;
  group: string;
  from: MonitorStatus | null;
  to: MonitorStatus;
  value?: number | null;
  /** Free-form extras (rendered message, muted by downtime id, ...). */
  detail?: JsonObject;
}

/** What the monitor engine writes after an evaluation: replaces the group set, appends history. */
export interface MonitorStateWrite {
  /** Milliseconds since the epoch (sandbox clock) of the evaluation. */
  at: number;
  overallState: MonitorStatus;
  /** The complete set of groups after this evaluation, keyed by group name. */
  groups: Record<string, MonitorGroupState>;
  /** Transitions that happened in this evaluation (appended to the history). */
  transitions?: readonly MonitorTransition[];
}

/** A monitor's state as stored. */
export interface MonitorState {
  overallState: MonitorStatus;
  /** When overall_state last changed (ms), null while it never has. */
  overallStateModified: number | null;
  /** When the engine last wrote (ms), null before the first evaluation. */
  evaluatedAt: number | null;
  groups: Record<string, MonitorGroupState>;
}

export interface StoredMonitor {
  doc: MonitorDoc;
  state: MonitorState;
}

/** Downtime schedules as stored: instants resolved, recurrences kept as written. */
export interface OneTimeSchedule {
  kind: 'one_time';
  /** ms since the epoch. */
  start: number;
  /** ms since the epoch; null = until canceled. */
  end: number | null;
}

export interface Recurrence {
  /** RFC 5545 RRULE without DTSTART/DTEND/DURATION, e.g. FREQ=WEEKLY;BYDAY=MO. */
  rrule: string;
  /** `<n>m|h|d|w`. */
  duration: string;
  /** Local wall time in the schedule's timezone, 'YYYY-MM-DDTHH:mm[:ss]'. */
  start: string;
}

export interface RecurringSchedule {
  kind: 'recurring';
  /** IANA timezone the RRULE and the starts are read in. */
  timezone: string;
  recurrences: Recurrence[];
}

export type DowntimeSchedule = OneTimeSchedule | RecurringSchedule;

export type MonitorIdentifier = { monitor_id: number } | { monitor_tags: string[] };

/** A v2 downtime as stored. */
export interface DowntimeRecord {
  id: string;
  scope: string;
  monitor_identifier: MonitorIdentifier;
  schedule: DowntimeSchedule;
  message: string | null;
  display_timezone: string;
  mute_first_recovery_notification: boolean;
  notify_end_states: string[];
  notify_end_types: string[];
  /** ms since the epoch. */
  created: number;
  modified: number;
  canceled: number | null;
}

/** An event (v1 shape plus v2 extras). */
export interface EventRecord {
  /** Safe integer (below 2^53) so clients that read `id` as a number keep it exact. */
  id: number;
  title: string;
  text: string;
  /** UNIX seconds. */
  date_happened: number;
  priority: string | null;
  alert_type: string | null;
  host: string | null;
  aggregation_key: string | null;
  source_type_name: string | null;
  related_event_id: number | null;
  device_name: string | null;
  tags: string[];
  /** v2 events: category and free attributes. */
  category?: string;
  attributes?: JsonObject;
}

/** A notification in the outbox (the console's inbox and `<dataDir>/outbox.jsonl`). */
export interface OutboxInput {
  /** What produced it: 'monitor', 'event', ... */
  source: string;
  /** Handles without the leading '@' (e.g. 'me@example.com', 'webhook-ops', 'slack-x'). */
  to: string[];
  title: string;
  body: string;
  monitorId?: number;
  group?: string;
  /** e.g. 'Triggered', 'Recovered', 'No Data', 'Re-Triggered'. */
  transition?: string;
  eventId?: number;
  /** Anything else worth keeping (snapshot url, downtime id, ...). */
  detail?: JsonObject;
}

export interface DeliveryRecord {
  channel: string;
  ok: boolean;
  at: number;
  error?: string;
}

export interface OutboxEntry extends OutboxInput {
  id: number;
  /** ms since the epoch (sandbox clock). */
  at: number;
  deliveries: DeliveryRecord[];
}
