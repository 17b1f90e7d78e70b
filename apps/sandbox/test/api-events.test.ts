import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { v1, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionsOf } from '../src/backend/api/events/mentions.ts';
import { type ApiTestSandbox, apiFailure, startApiTestSandbox } from './support/api-sandbox.ts';

describe('events, mentions and graph snapshots through the official client', () => {
  let t: ApiTestSandbox;
  let events: v1.EventsApi;
  beforeAll(async () => {
    t = await startApiTestSandbox();
    events = new v1.EventsApi(t.configuration);
  });
  afterAll(() => t.close());

  it('posts, gets and lists v1 events', async () => {
    const posted = await events.createEvent({
      body: {
        title: 'Deploy 1.2.3',
        text: 'rolled out',
        tags: ['env:prod'],
        alertType: 'success',
        priority: 'normal',
      },
    });
    expect(posted.status).toBe('ok');
    const id = posted.event?.id as number;
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(posted.event?.idStr).toBe(String(id));
    const got = await events.getEvent({ eventId: id });
    expect(got.event?.title).toBe('Deploy 1.2.3');
    expect(got.event?.alertType).toBe('success');
    const now = Math.floor(Date.now() / 1000);
    const list = await events.listEvents({ start: now - 60, end: now + 60, tags: 'env:prod' });
    expect(list.events?.map((e) => e.id)).toContain(id);
    expect(await apiFailure(() => events.getEvent({ eventId: 42 }))).toEqual({
      code: 404,
      body: { errors: ['Event not found'] },
    });
  });

  it('turns @mentions into outbox notifications (table and outbox.jsonl)', async () => {
    const posted = await events.createEvent({
      body: {
        title: 'Look at this graph',
        text: 'CPU spike, @me@example.com and @oncall-team please check.',
      },
    });
    const [entry] = t.sandbox.context.store.outbox.list({ source: 'event', limit: 1 });
    expect(entry?.to).toEqual(['me@example.com', 'oncall-team']);
    expect(entry?.eventId).toBe(posted.event?.id);
    const lines = readFileSync(join(t.dataDir, 'outbox.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({
      to: ['me@example.com', 'oncall-team'],
      source: 'event',
    });
    expect(mentionsOf('mail bob@example.com, ping @sre.')).toEqual(['sre']);
  });

  it('posts v2 events and validates them with the v2 model', async () => {
    const api = new v2.EventsApi(t.configuration);
    const answer = await api.createEvent({
      body: {
        data: {
          type: 'event',
          attributes: {
            title: 'Feature flag on',
            category: 'change',
            message: 'new checkout @me@example.com',
            attributes: { changedResource: { name: 'checkout', type: 'feature_flag' } },
          },
        },
      },
    });
    const evtId = answer.data?.attributes?.attributes?.evt?.id as string;
    expect((await events.getEvent({ eventId: Number(evtId) })).event?.title).toBe('Feature flag on');
    const res = await fetch(`${t.sandbox.apiUrl}/api/v2/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local' },
      body: JSON.stringify({
        data: { type: 'event', attributes: { title: 'x', category: 'nope', attributes: {} } },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors.join(' ')).toMatch(
      /'data.attributes.category' must be one of/,
    );
  });

  it('refuses an event without text, naming the field; posting needs only the API key', async () => {
    const res = await fetch(`${t.sandbox.apiUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local' },
      body: JSON.stringify({ title: 'no text' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors).toEqual(["'text' is required"]);
    const denied = await apiFailure(() =>
      new v1.EventsApi(t.configurationWith('wrong', 'local')).createEvent({
        body: { title: 'x', text: 'y' },
      }),
    );
    expect(denied.code).toBe(403);
  });

  it('renders a graph snapshot to a PNG served at its URL', async () => {
    const end = Math.floor(Date.now() / 1000);
    const start = end - 3600;
    const points = Array.from({ length: 30 }, (_, i) => [start + i * 120, 10 + i]);
    const series = await fetch(`${t.sandbox.apiUrl}/api/v1/series`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local' },
      body: JSON.stringify({ series: [{ metric: 'snap.test', points, tags: ['host:a'] }] }),
    });
    expect(series.status).toBeLessThan(300);
    const snapshots = new v1.SnapshotsApi(t.configuration);
    const snap = await snapshots.getGraphSnapshot({
      metricQuery: 'avg:snap.test{*}',
      start,
      end,
      title: 'Snap',
    });
    expect(snap.metricQuery).toBe('avg:snap.test{*}');
    expect(JSON.parse(snap.graphDef as string)).toEqual({ requests: [{ q: 'avg:snap.test{*}' }] });
    const image = await fetch(snap.snapshotUrl as string);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(bytes.length).toBeGreaterThan(2000);

    const fromDef = await snapshots.getGraphSnapshot({
      graphDef: JSON.stringify({ requests: [{ q: 'avg:snap.test{*} by {host}' }], viz: 'timeseries' }),
      start,
      end,
    });
    expect((await fetch(fromDef.snapshotUrl as string)).status).toBe(200);
    const bad = await apiFailure(() => snapshots.getGraphSnapshot({ metricQuery: 'avg:{', start, end }));
    expect(bad.code).toBe(400);
    expect(bad.body.errors?.[0]).toMatch(/parameter 'metric_query' is invalid/);
  });
});
