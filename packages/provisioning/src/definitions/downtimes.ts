import type { v2 } from '@datadog/datadog-api-client';
import { MY_METRIC_MONITOR } from './my-metric-monitor.ts';
import { markerLine, ownershipTags, withMarker } from './ownership.ts';
import type { DefinitionSettings } from './settings.ts';
import type { DowntimeDefinition } from './types.ts';

export const WEEKNIGHTS_DOWNTIME = 'downtime-weeknights';
export const WEEKEND_DOWNTIME = 'downtime-weekend';

/**
 * The recurrences, in local time of DOWNTIME_TIMEZONE. A recurrence takes its time of day from
 * `start`, which must fall on one of its BYDAY days; fixed dates in the past keep the definition
 * the same from one run to the next (a "next Monday" would show as a change every week).
 *
 * Weeknights: every Monday–Friday at 19:00 for 14 h, so Mon 19:00–Tue 09:00 … Fri 19:00–Sat 09:00.
 * Weekend: every Saturday at 09:00 for 48 h, so Sat 09:00–Mon 09:00.
 * Together they mute Fri 19:00 to Mon 09:00 without a break and without overlapping: Saturday
 * 00:00–09:00 belongs to Friday's night, and Monday 00:00–09:00 (the end of Sunday's night) to the
 * weekend window. A weekend of "Saturday 00:00 for 48 h" would overlap Friday's night by 9 h and
 * leave Monday 00:00–09:00 unmuted; one recurring on both Saturday and Sunday would overlap itself.
 */
export const WEEKNIGHTS = {
  rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  start: '2025-01-06T19:00:00',
  duration: '14h',
};
export const WEEKEND = { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '2025-01-11T09:00:00', duration: '48h' };

function downtime(
  name: string,
  recurrence: typeof WEEKNIGHTS,
  what: string,
  settings: DefinitionSettings,
): DowntimeDefinition {
  const message = [
    `Scheduled downtime (${what}, ${settings.downtimeTimezone}) for the monitor "my_metric is high":`,
    'notifications are muted until it ends. Alerts still open at the end are sent again then.',
    settings.notifyHandle,
  ].join('\n');
  const body: v2.DowntimeCreateRequestAttributes = {
    scope: '*',
    // Scoped to the monitor by its ownership tags: no id to resolve first, and a recreated
    // monitor stays covered.
    monitorIdentifier: { monitorTags: ownershipTags(MY_METRIC_MONITOR) },
    schedule: {
      timezone: settings.downtimeTimezone,
      recurrences: [{ ...recurrence }],
    },
    displayTimezone: settings.downtimeTimezone,
    message: withMarker(message, markerLine(name)),
    muteFirstRecoveryNotification: false,
    notifyEndStates: ['alert', 'no data', 'warn'],
    notifyEndTypes: ['expired'],
  };
  return { kind: 'downtime', name, body };
}

/** Challenge step 12: the weeknight and weekend downtimes of the my_metric monitor. */
export function downtimes(settings: DefinitionSettings): DowntimeDefinition[] {
  return [
    downtime(WEEKNIGHTS_DOWNTIME, WEEKNIGHTS, 'weeknights 19:00–09:00, Monday to Friday', settings),
    downtime(WEEKEND_DOWNTIME, WEEKEND, 'weekend, Saturday 09:00 to Monday 09:00', settings),
  ];
}
