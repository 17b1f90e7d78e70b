import { describe, expect, it } from 'vitest';
import { downtimeRecord, weekends, weeknights } from '../../../test/support/downtimes.ts';
import { downtimeCalendar, formatInZone } from './calendar.ts';

const span = (from: string, to: string) =>
  downtimeCalendar([weeknights, weekends], Date.parse(from), Date.parse(to)).map(
    (w) => `${w.downtime_id.slice(3)} ${w.start} .. ${w.end}`,
  );

describe('downtime calendar', () => {
  it('writes instants in the zone with their offset', () => {
    expect(formatInZone(Date.parse('2026-11-25T00:00:00Z'), 'America/New_York')).toBe(
      '2026-11-24T19:00:00-05:00',
    );
    expect(formatInZone(Date.parse('2026-11-25T00:00:00Z'), 'Asia/Kolkata')).toBe(
      '2026-11-25T05:30:00+05:30',
    );
  });

  it('the week across the March DST change (Sunday March 8, 2026) keeps 19:00 and 09:00 local', () => {
    expect(span('2026-03-06T12:00:00-05:00', '2026-03-10T12:00:00-04:00')).toEqual([
      'weeknights 2026-03-06T19:00:00-05:00 .. 2026-03-07T09:00:00-05:00',
      // Saturday 00:00 EST to Monday 00:00 EDT: two calendar days, 47 hours
      'weekends 2026-03-07T00:00:00-05:00 .. 2026-03-09T00:00:00-04:00',
      'weeknights 2026-03-09T19:00:00-04:00 .. 2026-03-10T09:00:00-04:00',
    ]);
  });

  it('the week across the November DST change (Sunday November 1, 2026)', () => {
    expect(span('2026-10-30T12:00:00-04:00', '2026-11-03T12:00:00-05:00')).toEqual([
      'weeknights 2026-10-30T19:00:00-04:00 .. 2026-10-31T09:00:00-04:00',
      // 49 hours this time
      'weekends 2026-10-31T00:00:00-04:00 .. 2026-11-02T00:00:00-05:00',
      'weeknights 2026-11-02T19:00:00-05:00 .. 2026-11-03T09:00:00-05:00',
    ]);
  });

  it('lists UTC too, one-time windows in their display timezone, and cancels cut windows', () => {
    const once = downtimeRecord({
      id: 'dt-once',
      display_timezone: 'Europe/Paris',
      schedule: { kind: 'one_time', start: Date.parse('2026-11-26T10:00:00Z'), end: null },
    });
    const canceled = { ...weeknights, canceled: Date.parse('2026-11-25T02:00:00Z') };
    const windows = downtimeCalendar(
      [once, canceled],
      Date.parse('2026-11-24T15:00:00Z'),
      Date.parse('2026-11-27T12:00:00Z'),
    );
    expect(windows).toEqual([
      expect.objectContaining({
        downtime_id: 'dt-weeknights',
        start: '2026-11-24T19:00:00-05:00',
        end: '2026-11-24T21:00:00-05:00',
        start_utc: '2026-11-25T00:00:00.000Z',
        end_utc: '2026-11-25T02:00:00.000Z',
        canceled: true,
      }),
      expect.objectContaining({
        downtime_id: 'dt-once',
        timezone: 'Europe/Paris',
        start: '2026-11-26T11:00:00+01:00',
        end: null,
      }),
    ]);
  });
});
