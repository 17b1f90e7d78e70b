import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewResult } from '../src/backend/monitors/preview.ts';
import { type Harness, startHarness } from './support/monitor-harness.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

const MIN = 60_000;
// Tuesday 2026-11-24 15:00 UTC (10:00 in New York): no downtime in these tests.
const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const at = (minute: number) => T0 + minute * MIN;

const CHALLENGE_MESSAGE = [
  '{{#is_alert}}my_metric is {{value}} on {{host.name}} ({{host.ip}}), above {{threshold}}{{/is_alert}}',
  '{{#is_warning}}my_metric is {{value}}, above {{warn_threshold}}{{/is_warning}}',
  '{{#is_no_data}}my_metric sent nothing for 10 minutes{{/is_no_data}}',
  '{{#is_recovery}}my_metric is back to normal{{/is_recovery}}',
  'Notify: @you@example.com',
].join('\n');

describe('monitor engine, live, through the official client', () => {
  let h: Harness;
  let smtp: SmtpSink;
  let challengeId = 0;
  let multiId = 0;
  let delayedId = 0;
  let hostIp: string | undefined;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    h = await startHarness(T0, { SMTP_URL: smtp.url });
    hostIp = h.sandbox.context.hosts.get('sandbox-host')?.ip;
    const challenge = await h.monitors.createMonitor({
      body: {
        name: 'my_metric is high',
        type: 'metric alert',
        query: 'avg(last_5m):avg:my_metric{*} by {host} > 800',
        message: CHALLENGE_MESSAGE,
        options: { thresholds: { critical: 800, warning: 500 }, notifyNoData: true, noDataTimeframe: 10 },
      },
    });
    challengeId = challenge.id ?? 0;
    const multi = await h.monitors.createMonitor({
      body: {
        name: 'hot hosts',
        type: 'metric alert',
        query: 'avg(last_5m):avg:multi_metric{*} by {host} > 800',
        message: '{{#is_alert}}{{host.name}} is hot at {{value}}{{/is_alert}} @ops@example.com',
        options: { thresholds: { critical: 800 } },
      },
    });
    multiId = multi.id ?? 0;
    const delayed = await h.monitors.createMonitor({
      body: {
        name: 'hot hosts, after they settle',
        type: 'metric alert',
        query: 'avg(last_5m):avg:multi_metric{*} by {host} > 800',
        message: '{{#is_alert}}{{host.name}} is hot at {{value}}{{/is_alert}} @ops@example.com',
        options: { thresholds: { critical: 800 }, newGroupDelay: 600 },
      },
    });
    delayedId = delayed.id ?? 0;

    // my_metric per minute: 100 (0-4), 600 (5-10), 900 (11-16), 100 (17-22), silence (23-39), 100 (40-45)
    const phases: [number, number, number][] = [
      [0, 5, 100],
      [5, 11, 600],
      [11, 17, 900],
      [17, 23, 100],
      [40, 46, 100],
    ];
    for (const [from, to, value] of phases)
      await h.submit('my_metric', 'sandbox-host', at(from), at(to), value);
    await h.submit('multi_metric', 'sandbox-host', at(0), at(46), 120);
    await h.submit('multi_metric', 'web-hot', at(0), at(46), 950);
    for (let minute = 1; minute <= 46; minute++) await h.advanceTo(at(minute));
    await h.sandbox.monitors.close(); // waits for the emails under way
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });

  const monitorNotifications = (id: number) =>
    h.sandbox.context.store.outbox
      .list({ source: 'monitor' })
      .filter((e) => e.monitorId === id)
      .reverse();

  it('the challenge monitor: OK -> Warn -> Alert -> (Warn) -> OK -> No Data after 10 min -> OK', () => {
    const sent = monitorNotifications(challengeId);
    expect(sent.map((n) => [n.transition, new Date(n.at).toISOString()])).toEqual([
      ['Warn', new Date(at(10)).toISOString()], // the 5-minute average passes 500 at minute 10
      ['Triggered', new Date(at(15)).toISOString()], // (600 + 4 x 900) / 5 = 840
      ['Warn', new Date(at(18)).toISOString()], // falling: 740, alert -> warning
      ['Recovered', new Date(at(20)).toISOString()], // 420
      ['No Data', new Date(at(33)).toISOString()], // last point at 22:50, ten minutes later
      ['Recovered', new Date(at(41)).toISOString()],
    ]);
    const alert = sent[1];
    expect(alert?.title).toBe('[Triggered on {host:sandbox-host}] my_metric is high');
    expect(alert?.body).toBe(
      `my_metric is 840 on sandbox-host (${hostIp}), above 800\n\n\n\nNotify: @you@example.com`,
    );
    expect(hostIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(sent[0]?.body).toBe('\nmy_metric is 600, above 500\n\n\nNotify: @you@example.com');
    expect(sent[2]?.body).toContain('my_metric is 740, above 500'); // alert -> warning
    expect(sent[4]?.body).toContain('my_metric sent nothing for 10 minutes');
    expect(sent[5]?.body).toContain('my_metric is back to normal');
    for (const n of sent) expect(n.to).toEqual(['you@example.com']);
  });

  it('emails every notification over SMTP and records the delivery', () => {
    const subjects = smtp.mails
      .filter((m) => m.to.includes('you@example.com'))
      .map((m) => /Subject: (.*)/.exec(m.data)?.[1]);
    expect(subjects).toHaveLength(6);
    expect(subjects[1]).toBe('[Triggered on {host:sandbox-host}] my_metric is high');
    for (const n of monitorNotifications(challengeId)) {
      expect(h.sandbox.context.store.outbox.get(n.id)?.deliveries).toMatchObject([
        { channel: 'email', ok: true },
      ]);
    }
  });

  it('state and history are visible through the monitor API and /sandbox', async () => {
    const monitor = await h.monitors.getMonitor({ monitorId: challengeId });
    expect(monitor.overallState).toBe('OK');
    const res = await fetch(`${h.sandbox.apiUrl}/sandbox/monitors/${challengeId}/history`);
    const body = (await res.json()) as {
      overall_state: string;
      evaluation_error: string | null;
      history: { to: string; detail: { muted: boolean } }[];
    };
    expect(body.overall_state).toBe('OK');
    expect(body.evaluation_error).toBeNull();
    expect(body.history.map((e) => e.to)).toEqual(['Warn', 'Alert', 'Warn', 'OK', 'No Data', 'OK']);
  });

  it('records each state change in the event stream, as Datadog does', () => {
    const events = h.sandbox.context.store.events
      .list({})
      .filter((e) => e.source_type_name === 'Monitor Alert' && e.aggregation_key === `monitor:${challengeId}`)
      .sort((a, b) => a.date_happened - b.date_happened);
    expect(events.map((e) => [e.alert_type, e.title.split(']')[0]])).toEqual([
      ['warning', '[Warn on {host:sandbox-host}'],
      ['error', '[Triggered on {host:sandbox-host}'],
      ['warning', '[Warn on {host:sandbox-host}'],
      ['success', '[Recovered on {host:sandbox-host}'],
      ['warning', '[No Data on {host:sandbox-host}'],
      ['success', '[Recovered on {host:sandbox-host}'],
    ]);
    expect(events[1]).toMatchObject({ host: 'sandbox-host', date_happened: at(15) / 1000 });
  });

  it('multi-alert by host: only the hot host alerts, with its own name', () => {
    const sent = monitorNotifications(multiId);
    expect(sent.map((n) => [n.transition, n.group, n.body])).toEqual([
      ['Triggered', 'host:web-hot', 'web-hot is hot at 950 @ops@example.com'],
    ]);
    const state = h.sandbox.context.store.monitors.get(multiId)?.state;
    expect(state?.overallState).toBe('Alert');
    expect(Object.fromEntries(Object.entries(state?.groups ?? {}).map(([k, g]) => [k, g.status]))).toEqual({
      'host:sandbox-host': 'OK',
      'host:web-hot': 'Alert',
    });
  });

  it('new_group_delay: the same multi-alert with a 600 s delay triggers 10 minutes later', () => {
    const [first] = monitorNotifications(multiId);
    const sent = monitorNotifications(delayedId);
    expect(sent.map((n) => [n.transition, n.group, n.at])).toEqual([
      ['Triggered', 'host:web-hot', (first?.at ?? 0) + 10 * MIN],
    ]);
  });

  it('preview over the same data equals what live evaluation sent', async () => {
    for (const id of [challengeId, multiId, delayedId]) {
      const res = await fetch(
        `${h.sandbox.apiUrl}/sandbox/monitors/${id}/preview?from=${T0 / 1000}&to=${at(46) / 1000}`,
      );
      expect(res.status).toBe(200);
      const preview = (await res.json()) as PreviewResult;
      const live = monitorNotifications(id).map((n) => [n.at, n.group, n.title, n.body]);
      expect(preview.notifications.map((n) => [n.at_ms, n.group, n.title, n.message])).toEqual(live);
      expect(preview.muted).toEqual([]);
      expect(preview.evaluations).toBe(46);
    }
  });

  it('previews an unsaved monitor body', async () => {
    const res = await fetch(`${h.sandbox.apiUrl}/sandbox/monitors/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        monitor: { query: 'max(last_5m):avg:my_metric{*} > 850', message: 'peak {{value}} @me' },
        from: new Date(T0).toISOString(),
        to: new Date(at(30)).toISOString(),
      }),
    });
    const preview = (await res.json()) as PreviewResult;
    expect(preview.transitions.map((t) => [t.to, t.at])).toEqual([
      ['Alert', new Date(at(12)).toISOString()],
      ['OK', new Date(at(22)).toISOString()],
    ]);
    expect(preview.notifications[0]).toMatchObject({ message: 'peak 900 @me', handles: ['me'] });
  });

  it('answers a bad preview with a 400 that names the problem', async () => {
    const res = await fetch(`${h.sandbox.apiUrl}/sandbox/monitors/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ monitor: { query: 'avg(last_5m):avg:my_metric{*} >' }, from: 0, to: 60 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors[0]).toMatch(/parameter 'query' is invalid/);
  });
});
