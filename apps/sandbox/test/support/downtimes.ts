import type { DowntimeRecord } from '../../src/backend/db/types.ts';

/** The challenge's downtimes as stored records: weeknights 19:00-09:00 and weekends, New York. */
export function downtimeRecord(
  over: Partial<DowntimeRecord> & Pick<DowntimeRecord, 'id' | 'schedule'>,
): DowntimeRecord {
  return {
    scope: '*',
    monitor_identifier: { monitor_tags: ['*'] },
    message: null,
    display_timezone: 'UTC',
    mute_first_recovery_notification: false,
    notify_end_states: ['alert', 'no data', 'warn'],
    notify_end_types: ['expired'],
    created: Date.parse('2026-01-01T00:00:00Z'),
    modified: Date.parse('2026-01-01T00:00:00Z'),
    canceled: null,
    ...over,
  };
}

export const NY = 'America/New_York';

export const weeknights = downtimeRecord({
  id: 'dt-weeknights',
  message: 'Weeknight quiet hours @you@example.com',
  schedule: {
    kind: 'recurring',
    timezone: NY,
    recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', duration: '14h', start: '2026-01-05T19:00' }],
  },
});

export const weekends = downtimeRecord({
  id: 'dt-weekends',
  message: 'Weekend @you@example.com',
  schedule: {
    kind: 'recurring',
    timezone: NY,
    recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SA', duration: '2d', start: '2026-01-03T00:00' }],
  },
});
