import { describe, expect, it } from 'vitest';
import {
  formatInZone,
  instantOf,
  isActiveAt,
  offsetAt,
  parseDuration,
  type ScheduledDowntime,
  windowsBetween,
} from './downtime-windows.ts';

const NY = 'America/New_York';
const weeknights: ScheduledDowntime = {
  id: 'weeknights',
  created: '2026-01-01T00:00:00Z',
  schedule: {
    timezone: NY,
    recurrences: [
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', duration: '14h', start: '2026-01-05T19:00:00' },
    ],
  },
};
const weekend: ScheduledDowntime = {
  id: 'weekend',
  created: '2026-01-01T00:00:00Z',
  schedule: {
    timezone: NY,
    recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SA', duration: '2d', start: '2026-01-03' }],
  },
};
const iso = (ms: number | undefined) => (ms === undefined ? 'open' : new Date(ms).toISOString().slice(0, 16));
const shown = (d: ScheduledDowntime, from: string, to: string) =>
  windowsBetween(d, Date.parse(from), Date.parse(to)).map((w) => `${iso(w.start)}..${iso(w.end)}`);
/** A New York wall time as an instant. */
const ny = (wall: string) => instantOf(Date.parse(`${wall}Z`), NY);

describe('timezone helpers', () => {
  const table = [
    { wall: '2026-01-06T20:00:00', utc: '2026-01-07T01:00' },
    { wall: '2026-07-07T20:00:00', utc: '2026-07-08T00:00' },
    // spring forward: 02:30 does not exist, moves forward by the gap (= 03:30 EDT)
    { wall: '2026-03-08T02:30:00', utc: '2026-03-08T07:30' },
    // fall back: 01:30 happens twice, the first (EDT) is taken
    { wall: '2026-11-01T01:30:00', utc: '2026-11-01T05:30' },
  ];
  for (const { wall, utc } of table) {
    it(`${wall} New York is ${utc}Z`, () => expect(iso(ny(wall))).toBe(utc));
  }
  it('offsets and formatting', () => {
    expect(offsetAt(Date.parse('2026-01-06T12:00:00Z'), NY)).toBe(-5 * 3_600_000);
    expect(offsetAt(Date.parse('2026-07-06T12:00:00Z'), NY)).toBe(-4 * 3_600_000);
    expect(formatInZone(Date.parse('2026-11-25T00:00:00Z'), NY)).toBe('2026-11-24T19:00:00-05:00');
    expect(formatInZone(Date.parse('2026-11-25T00:00:00Z'), 'Asia/Kolkata')).toBe(
      '2026-11-25T05:30:00+05:30',
    );
  });
  it('durations', () => {
    expect(parseDuration('14h')).toEqual({ amount: 14, unit: 'h' });
    expect(parseDuration('2d')).toEqual({ amount: 2, unit: 'd' });
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('3x')).toBeUndefined();
  });
});

describe('recurring windows in America/New_York', () => {
  const table: { desc: string; d: ScheduledDowntime; at: string; active: boolean }[] = [
    {
      desc: 'Tuesday 20:00 is in the weeknight window',
      d: weeknights,
      at: '2026-11-24T20:00:00',
      active: true,
    },
    { desc: 'Wednesday 08:59 still is', d: weeknights, at: '2026-11-25T08:59:00', active: true },
    { desc: 'Wednesday 09:00 is not', d: weeknights, at: '2026-11-25T09:00:00', active: false },
    { desc: 'Tuesday 10:00 is not', d: weeknights, at: '2026-11-24T10:00:00', active: false },
    {
      desc: 'Monday 08:00 is not (no Sunday-night window)',
      d: weeknights,
      at: '2026-11-23T08:00:00',
      active: false,
    },
    {
      desc: 'Saturday 08:00 is (Friday night window)',
      d: weeknights,
      at: '2026-11-28T08:00:00',
      active: true,
    },
    { desc: 'Saturday 12:00 is in the weekend window', d: weekend, at: '2026-11-28T12:00:00', active: true },
    { desc: 'Sunday 23:59 is', d: weekend, at: '2026-11-29T23:59:00', active: true },
    { desc: 'Monday 00:00 is not', d: weekend, at: '2026-11-30T00:00:00', active: false },
    {
      desc: 'Friday 23:00 is not (weekend starts Saturday)',
      d: weekend,
      at: '2026-11-27T23:00:00',
      active: false,
    },
    { desc: 'Summer Tuesday 20:00 (EDT)', d: weeknights, at: '2026-07-07T20:00:00', active: true },
    { desc: 'Summer Tuesday 18:59 (EDT)', d: weeknights, at: '2026-07-07T18:59:00', active: false },
  ];
  for (const c of table) {
    it(c.desc, () => expect(isActiveAt(c.d, ny(c.at))).toBe(c.active));
  }

  it('the week across the March DST change (Sunday March 8, 2026)', () => {
    expect(shown(weeknights, '2026-03-05T12:00Z', '2026-03-11T00:00Z')).toEqual([
      '2026-03-05T00:00..2026-03-05T14:00', // Wed 19:00 EST -> Thu 09:00 EST (overlaps the range)
      '2026-03-06T00:00..2026-03-06T14:00', // Thu 19:00 EST -> Fri 09:00 EST
      '2026-03-07T00:00..2026-03-07T14:00', // Fri 19:00 EST -> Sat 09:00 EST
      '2026-03-09T23:00..2026-03-10T13:00', // Mon 19:00 EDT -> Tue 09:00 EDT
      '2026-03-10T23:00..2026-03-11T13:00',
    ]);
    // Sat 00:00 EST -> Mon 00:00 EDT: 47 hours of elapsed time, two calendar days
    expect(shown(weekend, '2026-03-05T00:00Z', '2026-03-11T00:00Z')).toEqual([
      '2026-03-07T05:00..2026-03-09T04:00',
    ]);
  });

  it('the week across the November DST change (Sunday November 1, 2026)', () => {
    expect(shown(weeknights, '2026-10-30T12:00Z', '2026-11-04T00:00Z')).toEqual([
      '2026-10-29T23:00..2026-10-30T13:00', // Thu 19:00 EDT -> Fri 09:00 EDT (overlaps the range)
      '2026-10-30T23:00..2026-10-31T13:00', // Fri 19:00 EDT -> Sat 09:00 EDT
      '2026-11-03T00:00..2026-11-03T14:00', // Mon 19:00 EST -> Tue 09:00 EST
    ]);
    expect(shown(weekend, '2026-10-29T00:00Z', '2026-11-04T00:00Z')).toEqual([
      '2026-10-31T04:00..2026-11-02T05:00',
    ]);
  });
});

describe('one-time windows and cancellation', () => {
  it('start/end, open end, and a cancel that cuts a window short', () => {
    const once: ScheduledDowntime = {
      id: 'a',
      schedule: { start: '2026-05-01T10:00:00Z', end: '2026-05-01T12:00:00Z' },
    };
    expect(shown(once, '2026-05-01T00:00Z', '2026-05-02T00:00Z')).toEqual([
      '2026-05-01T10:00..2026-05-01T12:00',
    ]);
    expect(shown(once, '2026-05-01T12:00Z', '2026-05-02T00:00Z')).toEqual([]);
    const forever: ScheduledDowntime = {
      id: 'b',
      created: '2026-05-01T00:00:00Z',
      schedule: { start: null },
    };
    expect(shown(forever, '2026-06-01T00:00Z', '2026-06-02T00:00Z')).toEqual(['2026-05-01T00:00..open']);
    const canceled = { ...weeknights, canceled: '2026-11-24T21:00:00-05:00' };
    const windows = windowsBetween(
      canceled,
      Date.parse('2026-11-24T00:00Z'),
      Date.parse('2026-11-28T00:00Z'),
    );
    expect(windows.map((w) => [iso(w.start), iso(w.end), w.canceled])).toEqual([
      ['2026-11-24T00:00', '2026-11-24T14:00', false], // Monday night, before the cancel
      ['2026-11-25T00:00', '2026-11-25T02:00', true],
    ]);
  });

  it('names a bad duration', () => {
    const bad: ScheduledDowntime = {
      id: 'c',
      schedule: {
        timezone: 'UTC',
        recurrences: [{ rrule: 'FREQ=DAILY', duration: '90s', start: '2026-01-01T00:00' }],
      },
    };
    expect(() => windowsBetween(bad, 0, Date.parse('2026-02-01T00:00Z'))).toThrow(/duration "90s"/);
  });
});
