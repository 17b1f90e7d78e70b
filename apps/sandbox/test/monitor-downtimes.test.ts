import type { v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarWindow } from '../src/backend/downtimes/calendar.ts';
import { fromWall } from '../src/backend/downtimes/timezone.ts';
import type { PreviewResult } from '../src/backend/monitors/preview.ts';
import { type Harness, startHarness } from './support/monitor-harness.ts';

const NY = 'America/New_York';
/** A New York wall time as epoch ms. */
const ny = (wall: string) => fromWall(Date.parse(`${wall}Z`), NY);
const iso = (ms: number) => new Date(ms).toISOString();

const MESSAGE =
  '{{#is_alert}}hot {{value}}{{/is_alert}}{{#is_recovery}}cool again{{/is_recovery}}{{#is_renotify}} (still){{/is_renotify}} @you@example.com';

function recurring(
  rrule: string,
  duration: string,
  start: string,
  message: string,
): v2.DowntimeCreateRequest {
  return {
    data: {
      type: 'downtime',
      attributes: {
        scope: '*',
        monitorIdentifier: { monitorTags: ['*'] },
        message,
        schedule: { timezone: NY, recurrences: [{ rrule, duration, start }] },
      },
    },
  };
}

describe('downtimes in America/New_York: weeknights 19:00-09:00 and weekends', () => {
  let h: Harness;
  const ids: Record<string, number> = {};
  const downtimeIds: Record<string, string> = {};

  beforeAll(async () => {
    // A Tuesday. The clock runs to Saturday and the preview reads Tuesday's points back: keep a
    // week, or the once-a-minute retention trim may drop them first (24 h by default).
    h = await startHarness(ny('2026-11-24T09:50:00'), { SANDBOX_RETENTION: '168h' });
    const weeknights = await h.downtimes.createDowntime({
      body: recurring(
        'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
        '14h',
        '2026-01-05T19:00',
        'Weeknights @you@example.com',
      ),
    });
    const weekends = await h.downtimes.createDowntime({
      body: recurring('FREQ=WEEKLY;BYDAY=SA', '2d', '2026-01-03T00:00', 'Weekend @you@example.com'),
    });
    downtimeIds.weeknights = weeknights.data?.id ?? '';
    downtimeIds.weekends = weekends.data?.id ?? '';
    for (const name of ['morning', 'evening', 'saturday']) {
      const m = await h.monitors.createMonitor({
        body: { name, type: 'metric alert', query: `max(last_5m):avg:dt_${name}{*} > 800`, message: MESSAGE },
      });
      ids[name] = m.id ?? 0;
    }
    const hotBetween = (from: string, to: string) => (t: number) => (t >= ny(from) && t < ny(to) ? 900 : 100);
    // morning: hot 09:59-10:05 Tuesday; evening: hot from 19:59 Tuesday to 09:10 Wednesday
    await h.submit(
      'dt_morning',
      'sandbox-host',
      ny('2026-11-24T09:50:00'),
      ny('2026-11-24T10:30:00'),
      hotBetween('2026-11-24T09:59:00', '2026-11-24T10:05:00'),
    );
    await h.submit(
      'dt_evening',
      'sandbox-host',
      ny('2026-11-24T09:50:00'),
      ny('2026-11-25T09:30:00'),
      hotBetween('2026-11-24T19:59:00', '2026-11-25T09:10:00'),
    );
    await h.advanceTo(ny('2026-11-24T09:51:00'));
    await h.advanceTo(ny('2026-11-25T09:30:00')); // every minute in between (under a day)
    // Saturday: hot 11:59-12:05
    await h.submit(
      'dt_saturday',
      'sandbox-host',
      ny('2026-11-28T11:40:00'),
      ny('2026-11-28T12:30:00'),
      hotBetween('2026-11-28T11:59:00', '2026-11-28T12:05:00'),
    );
    h.clock.set(ny('2026-11-28T11:45:00'));
    await h.sandbox.monitors.runUntil(ny('2026-11-28T11:45:00')); // the days without data, minute by minute
    await h.advanceTo(ny('2026-11-28T12:30:00'));
    await h.sandbox.monitors.close();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const notifications = (name: string) =>
    h.sandbox.context.store.outbox
      .list({ source: 'monitor' })
      .filter((e) => e.monitorId === ids[name])
      .reverse()
      .map((e) => [e.transition, iso(e.at), e.detail?.muted, e.detail?.downtime_id, e.body]);

  it('an alert at 10:00 on a Tuesday is sent', () => {
    expect(notifications('morning')).toEqual([
      ['Triggered', iso(ny('2026-11-24T10:00:00')), false, null, 'hot 900 @you@example.com'],
      ['Recovered', iso(ny('2026-11-24T10:10:00')), false, null, 'cool again @you@example.com'],
    ]);
  });

  it('an alert at 20:00 on a Tuesday is muted, and re-sent when the downtime expires at 09:00 still alerting', () => {
    expect(notifications('evening')).toEqual([
      ['Triggered', iso(ny('2026-11-24T20:00:00')), true, downtimeIds.weeknights, 'hot 900 @you@example.com'],
      ['Re-Triggered', iso(ny('2026-11-25T09:00:00')), false, null, 'hot 900 (still) @you@example.com'],
      ['Recovered', iso(ny('2026-11-25T09:15:00')), false, null, 'cool again @you@example.com'],
    ]);
    // the muted one was not delivered anywhere
    const muted = h.sandbox.context.store.outbox
      .list({ source: 'monitor' })
      .find((e) => e.detail?.muted === true);
    expect(muted?.deliveries).toEqual([]);
  });

  it('Saturday is muted all day, recovery included (its alert was never announced)', () => {
    expect(notifications('saturday')).toEqual([
      ['Triggered', iso(ny('2026-11-28T12:00:00')), true, downtimeIds.weekends, 'hot 900 @you@example.com'],
      [
        'Recovered',
        iso(ny('2026-11-28T12:10:00')),
        true,
        downtimeIds.weekends,
        'cool again @you@example.com',
      ],
    ]);
  });

  it("announces the weeknight window's start and end to the downtime's handles", () => {
    const announced = h.sandbox.context.store.outbox
      .list({ source: 'downtime' })
      .reverse()
      .map((e) => [e.transition, iso(e.at), e.to]);
    expect(announced.slice(0, 2)).toEqual([
      ['Downtime started', iso(ny('2026-11-24T19:00:00')), ['you@example.com']],
      ['Downtime ended', iso(ny('2026-11-25T09:00:00')), ['you@example.com']],
    ]);
    // ...every night until Saturday, when the weekend window starts at midnight
    expect(announced).toContainEqual([
      'Downtime started',
      iso(ny('2026-11-28T00:00:00')),
      ['you@example.com'],
    ]);
    expect(announced.filter((a) => a[0] === 'Downtime started')).toHaveLength(5);
  });

  it('the preview of the evening monitor says what live evaluation did, muted ones apart', async () => {
    const from = ny('2026-11-24T09:50:00') / 1000;
    const to = ny('2026-11-25T09:30:00') / 1000;
    const res = await fetch(
      `${h.sandbox.apiUrl}/sandbox/monitors/${ids.evening}/preview?from=${from}&to=${to}`,
    );
    const preview = (await res.json()) as PreviewResult;
    expect(preview.muted.map((n) => [n.transition, n.at, n.downtime_id])).toEqual([
      ['Triggered', iso(ny('2026-11-24T20:00:00')), downtimeIds.weeknights],
    ]);
    expect(preview.notifications.map((n) => [n.transition, n.at])).toEqual([
      ['Re-Triggered', iso(ny('2026-11-25T09:00:00'))],
      ['Recovered', iso(ny('2026-11-25T09:15:00'))],
    ]);
  });

  const calendar = async (from: string, days: number) => {
    const res = await fetch(
      `${h.sandbox.apiUrl}/sandbox/downtimes/calendar?from=${encodeURIComponent(from)}&days=${days}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { windows: CalendarWindow[] };
    return body.windows.map(
      (w) => `${w.downtime_id === downtimeIds.weekends ? 'weekend' : 'weeknight'} ${w.start} .. ${w.end}`,
    );
  };

  it('the calendar: the week across the March DST change keeps 19:00 and 09:00 local', async () => {
    expect(await calendar('2026-03-06T12:00:00-05:00', 4)).toEqual([
      'weeknight 2026-03-06T19:00:00-05:00 .. 2026-03-07T09:00:00-05:00',
      'weekend 2026-03-07T00:00:00-05:00 .. 2026-03-09T00:00:00-04:00', // 47 hours
      'weeknight 2026-03-09T19:00:00-04:00 .. 2026-03-10T09:00:00-04:00',
    ]);
  });

  it('the calendar: the week across the November DST change', async () => {
    expect(await calendar('2026-10-30T12:00:00-04:00', 4)).toEqual([
      'weeknight 2026-10-30T19:00:00-04:00 .. 2026-10-31T09:00:00-04:00',
      'weekend 2026-10-31T00:00:00-04:00 .. 2026-11-02T00:00:00-05:00', // 49 hours
      'weeknight 2026-11-02T19:00:00-05:00 .. 2026-11-03T09:00:00-05:00',
    ]);
  });

  it('the calendar defaults to the next 7 days from the sandbox clock', async () => {
    const res = await fetch(`${h.sandbox.apiUrl}/sandbox/downtimes/calendar`);
    const body = (await res.json()) as { from: string; windows: CalendarWindow[] };
    expect(body.from).toBe(iso(ny('2026-11-28T12:30:00')));
    // Saturday's weekend window (in force), then Monday to Friday nights
    expect(body.windows.map((w) => w.start)).toEqual([
      '2026-11-28T00:00:00-05:00',
      '2026-11-30T19:00:00-05:00',
      '2026-12-01T19:00:00-05:00',
      '2026-12-02T19:00:00-05:00',
      '2026-12-03T19:00:00-05:00',
      '2026-12-04T19:00:00-05:00',
      '2026-12-05T00:00:00-05:00',
    ]);
  });
});
