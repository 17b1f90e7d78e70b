import { v1, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { type ApiTestSandbox, apiFailure, startApiTestSandbox } from './support/api-sandbox.ts';

describe('v2 downtimes API through the official client', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  let t: ApiTestSandbox;
  let api: v2.DowntimesApi;
  let monitorId: number;
  beforeAll(async () => {
    t = await startApiTestSandbox({ clock });
    api = new v2.DowntimesApi(t.configuration);
    const monitor = await new v1.MonitorsApi(t.configuration).createMonitor({
      body: {
        type: 'metric alert',
        name: 'latency',
        query: 'avg(last_5m):avg:trace.fastify.request.duration{*} by {host} > 1',
        tags: ['team:web'],
      },
    });
    monitorId = monitor.id as number;
  });
  afterAll(() => t.close());

  const create = (attributes: Partial<v2.DowntimeCreateRequestAttributes>) =>
    api.createDowntime({
      body: {
        data: {
          type: 'downtime',
          attributes: {
            scope: 'env:prod',
            monitorIdentifier: { monitorId },
            ...attributes,
          } as v2.DowntimeCreateRequestAttributes,
        },
      },
    });

  it('creates a one-off downtime from now with Datadog defaults, updates it and cancels it', async () => {
    const created = await create({ message: 'deploy' });
    const a = created.data?.attributes;
    expect(created.data?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a?.status).toBe('active');
    expect(a?.displayTimezone).toBe('UTC');
    expect(a?.notifyEndTypes).toEqual(['expired']);
    expect(a?.notifyEndStates).toEqual(['alert', 'no data', 'warn']);
    expect(a?.muteFirstRecoveryNotification).toBe(false);
    expect((a?.schedule as v2.DowntimeScheduleOneTimeResponse | undefined)?.start.getTime()).toBe(
      clock.now(),
    );
    expect(created.data?.relationships?.monitor?.data?.id).toBe(String(monitorId));

    const id = created.data?.id as string;
    const updated = await api.updateDowntime({
      downtimeId: id,
      body: { data: { id, type: 'downtime', attributes: { message: 'deploy, take two' } } },
    });
    expect(updated.data?.attributes?.message).toBe('deploy, take two');
    expect(updated.data?.attributes?.scope).toBe('env:prod');

    await api.cancelDowntime({ downtimeId: id });
    await api.cancelDowntime({ downtimeId: id });
    const canceled = await api.getDowntime({ downtimeId: id });
    expect(canceled.data?.attributes?.status).toBe('canceled');
    expect(canceled.data?.attributes?.canceled).toBeInstanceOf(Date);
  });

  it('computes scheduled and ended from the schedule and the clock', async () => {
    const start = new Date(clock.now() + 3_600_000);
    const end = new Date(clock.now() + 7_200_000);
    const created = await create({ schedule: { start, end } });
    const id = created.data?.id as string;
    expect(created.data?.attributes?.status).toBe('scheduled');
    clock.advance(5_400_000);
    expect((await api.getDowntime({ downtimeId: id })).data?.attributes?.status).toBe('active');
    clock.advance(3_600_000);
    expect((await api.getDowntime({ downtimeId: id })).data?.attributes?.status).toBe('ended');
  });

  it('creates a recurring downtime in a timezone with its current window', async () => {
    const created = await create({
      monitorIdentifier: { monitorTags: ['team:web'] },
      scope: 'host:web-*',
      schedule: {
        timezone: 'Europe/Paris',
        recurrences: [{ rrule: 'FREQ=DAILY;INTERVAL=1', duration: '2h', start: '2026-06-01T13:00' }],
      },
    });
    const schedule = created.data?.attributes?.schedule as v2.DowntimeScheduleRecurrencesResponse;
    expect(schedule.timezone).toBe('Europe/Paris');
    expect(schedule.recurrences[0]?.start).toBe('2026-06-01T13:00');
    // 13:00 in Paris (UTC+2 in summer) is 11:00 UTC; the clock is past the 2026-06-01 window.
    expect(schedule.currentDowntime?.start?.toISOString()).toBe('2026-06-02T11:00:00.000Z');
    expect(created.data?.attributes?.status).toBe('scheduled');

    const matches = await api.listMonitorDowntimes({ monitorId });
    expect(matches.data?.map((m) => m.id)).toContain(created.data?.id);
  });

  it('lists downtimes with paging and total_filtered_count', async () => {
    const page = await api.listDowntimes({ pageLimit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.meta?.page?.totalFilteredCount).toBeGreaterThanOrEqual(3);
    const current = await api.listDowntimes({ currentOnly: true });
    expect(current.data?.every((d) => d.attributes?.status === 'active')).toBe(true);
  });

  it.each([
    [{ scope: 'BAD_SCOPE' }, 'All values must have a key'],
    [{ scope: 'env:prod OR env:dev' }, /top level/],
    [
      { schedule: { recurrences: [{ rrule: 'FREQ=DAILY;DTSTART=20260101T000000Z', duration: '1h' }] } },
      /DTSTART, DTEND and DURATION/,
    ],
    [
      { schedule: { recurrences: [{ rrule: 'FREQ=DAILY', duration: '90s' }] } },
      /parameter 'duration' is invalid/,
    ],
    [
      { schedule: { timezone: 'Mars/Olympus', recurrences: [{ rrule: 'FREQ=DAILY', duration: '1h' }] } },
      /IANA/,
    ],
    [{ monitorIdentifier: { monitorId: 1 } }, /Monitor 1 not found/],
    [
      { schedule: { start: '2026-06-02T00:00:00Z', end: '2026-06-01T00:00:00Z' } },
      /'schedule.end' must be after/,
    ],
  ])('refuses %j with 400', async (attributes, message) => {
    const res = await fetch(`${t.sandbox.apiUrl}/api/v2/downtime`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      body: JSON.stringify({
        data: {
          type: 'downtime',
          attributes: {
            scope: 'env:prod',
            monitor_identifier: { monitor_id: monitorId },
            ...(snake(attributes) as object),
          },
        },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors[0]).toMatch(message);
  });

  it('refuses bodies the model rejects, naming the field', async () => {
    const res = await fetch(`${t.sandbox.apiUrl}/api/v2/downtime`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      body: JSON.stringify({
        data: { type: 'downtimes', attributes: { monitor_identifier: { monitor_id: 'x' } } },
      }),
    });
    expect(res.status).toBe(400);
    const { errors } = (await res.json()) as { errors: string[] };
    expect(errors).toContain("'data.attributes.scope' is required");
    expect(errors).toContain(`'data.type' must be one of "downtime"; got "downtimes"`);
  });

  it("answers unknown ids in Datadog's wording", async () => {
    const id = '00000000-0000-1234-0000-000000000000';
    expect(await apiFailure(() => api.getDowntime({ downtimeId: id }))).toEqual({
      code: 404,
      body: { errors: ['Downtime not found'] },
    });
    expect((await apiFailure(() => api.cancelDowntime({ downtimeId: id }))).body.errors).toEqual([
      `Downtime ${id} not found`,
    ]);
  });
});

function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)]),
    );
  }
  return value;
}
