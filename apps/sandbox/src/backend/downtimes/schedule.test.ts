import { describe, expect, it } from 'vitest';
import type { DowntimeRecord, RecurringSchedule } from '../db/types.ts';
import {
  activeWindow,
  downtimeStatus,
  downtimeWindows,
  isDowntimeActive,
  nextWindow,
  rruleProblem,
} from './schedule.ts';
import { parseScope, scopeMatches } from './scope.ts';
import { fromWall, parseLocal } from './timezone.ts';

const iso = (ms: number | null | undefined) => (ms == null ? ms : new Date(ms).toISOString());
const utc = (text: string) => Date.parse(text);

describe('downtime schedules', () => {
  const daily: RecurringSchedule = {
    kind: 'recurring',
    timezone: 'America/New_York',
    recurrences: [{ rrule: 'FREQ=DAILY', duration: '1h', start: '2026-03-06T09:00' }],
  };

  it('keeps 09:00 local across the spring-forward night', () => {
    const windows = downtimeWindows(daily, utc('2026-03-07T00:00Z'), utc('2026-03-10T00:00Z'));
    expect(windows.map((w) => iso(w.start))).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    expect(windows.every((w) => (w.end as number) - w.start === 3_600_000)).toBe(true);
  });

  it('answers active and next windows', () => {
    expect(activeWindow(daily, utc('2026-03-08T13:30Z'))).toBeDefined();
    expect(activeWindow(daily, utc('2026-03-08T14:30Z'))).toBeUndefined();
    expect(iso(nextWindow(daily, utc('2026-03-08T14:30Z'))?.start)).toBe('2026-03-09T13:00:00.000Z');
  });

  it('counts day durations in wall-clock days (a weekend over a DST change)', () => {
    const weekend: RecurringSchedule = {
      kind: 'recurring',
      timezone: 'Europe/Paris',
      recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SA', duration: '2d', start: '2026-03-28T00:00' }],
    };
    const [w] = downtimeWindows(weekend, utc('2026-03-27T00:00Z'), utc('2026-03-29T00:00Z'));
    expect([iso(w?.start), iso(w?.end)]).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  });

  it('moves a wall time skipped by DST forward and takes the first of a repeated one', () => {
    expect(iso(fromWall(parseLocal('2026-03-08T02:30') as number, 'America/New_York'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(iso(fromWall(parseLocal('2026-11-01T01:30') as number, 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('computes status: scheduled, active, ended, canceled', () => {
    const record = (start: number, end: number | null, canceled: number | null = null): DowntimeRecord => ({
      id: 'x',
      scope: '*',
      monitor_identifier: { monitor_tags: ['*'] },
      schedule: { kind: 'one_time', start, end },
      message: null,
      display_timezone: 'UTC',
      mute_first_recovery_notification: false,
      notify_end_states: [],
      notify_end_types: [],
      created: 0,
      modified: 0,
      canceled,
    });
    expect(downtimeStatus(record(200, 300), 100)).toBe('scheduled');
    expect(downtimeStatus(record(100, null), 150)).toBe('active');
    expect(downtimeStatus(record(100, 200), 250)).toBe('ended');
    expect(downtimeStatus(record(100, null, 120), 150)).toBe('canceled');
    expect(isDowntimeActive(record(100, null, 120), 110)).toBe(true);
    expect(isDowntimeActive(record(100, null, 120), 130)).toBe(false);
  });

  it.each([
    ['FREQ=DAILY;DTSTART=20260101T000000Z', /DTSTART, DTEND and DURATION/],
    ['FREQ=WEEKLY;DURATION=PT1H', /DTSTART, DTEND and DURATION/],
    ['INTERVAL=2', /FREQ is required/],
    ['FREQ=SOMETIMES', /invalid/],
  ])('refuses the RRULE %s', (rrule, message) => {
    expect(rruleProblem(rrule)).toMatch(message);
  });
});

describe('downtime scopes', () => {
  it.each([
    ['BAD_SCOPE_MISSING_KEY_VALUE_FORMAT', 'All values must have a key'],
    ['env:prod OR env:dev', /top level/],
    ['host:a?', /'\?' wildcard/],
    ['a:b AND (c:d AND (e:f AND (g:h)))', /2 levels/],
  ])('refuses %s', (scope, message) => {
    const parsed = parseScope(scope);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('matches groups that contain the scope', () => {
    const scope = 'service:web-store AND env:(dev OR staging) -host:db-*';
    expect(scopeMatches(scope, ['service:web-store', 'env:dev', 'host:a'])).toBe(true);
    expect(scopeMatches(scope, ['service:web-store', 'env:prod', 'host:a'])).toBe(false);
    expect(scopeMatches(scope, ['service:web-store', 'env:staging', 'host:db-1'])).toBe(false);
    expect(scopeMatches('host:auth-*', ['host:auth-7'])).toBe(true);
    expect(scopeMatches('*', [])).toBe(true);
  });
});
