import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { v1 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { executePlan } from '../src/apply.ts';
import { createApi } from '../src/client.ts';
import {
  challengeSet,
  definitionSettings,
  myMetricMonitor,
  ownershipTags,
} from '../src/definitions/index.ts';
import { destroy } from '../src/destroy.ts';
import { readInventory } from '../src/inventory.ts';
import { plan } from '../src/plan.ts';
import { cli, FaultProxy, startTestSandbox, TEST_ENV, type TestSandbox } from './support.ts';

let env: TestSandbox;
let proxy: FaultProxy;

beforeAll(async () => {
  env = await startTestSandbox();
  proxy = await FaultProxy.start(env.sandbox.apiUrl);
});
afterAll(async () => {
  await proxy?.close();
  await env?.close();
});
beforeEach(() => proxy.reset());

describe('apply on an empty sandbox, then plan', () => {
  it('creates every resource with the right queries, thresholds, rrules and messages', async () => {
    const r = await cli(['apply', '--json'], proxy.url);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = r.json();
    expect(result.outcomes.map((o: { action: string }) => o.action)).toEqual(Array(5).fill('create'));
    for (const o of result.outcomes) {
      expect(o.url).toMatch(new RegExp(`^${proxy.url}/(dashboard|monitors)`));
      // The printed URL opens the resource in the sandbox console (the same paths as app.<site>).
      expect([o.url, (await fetch(o.url)).status]).toEqual([o.url, 200]);
    }

    const api = createApi(env.target);
    const [monitor] = await api.monitors.listMonitors({ monitorTags: 'challenge-id:my-metric-high' });
    expect(monitor?.query).toBe('avg(last_5m):avg:my_metric{*} by {host} > 800');
    expect(monitor?.options?.thresholds).toMatchObject({ critical: 800, warning: 500 });
    expect(monitor?.options).toMatchObject({
      notifyNoData: true,
      noDataTimeframe: 10,
      requireFullWindow: false,
      includeTags: true,
    });
    expect(monitor?.message).toContain('{{#is_alert}}');
    expect(monitor?.message).toContain('{{host.ip}}');
    expect(monitor?.message).toContain('@oncall@example.com');

    const downtimes = (await api.downtimes.listDowntimes({})).data ?? [];
    const schedules = downtimes.map((d) => v1.ObjectSerializer.serialize(d.attributes?.schedule, 'any', ''));
    expect(schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          timezone: 'Europe/Paris',
          recurrences: [
            expect.objectContaining({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', duration: '14h' }),
          ],
        }),
        expect.objectContaining({
          recurrences: [expect.objectContaining({ rrule: 'FREQ=WEEKLY;BYDAY=SA', duration: '48h' })],
        }),
      ]),
    );
    for (const d of downtimes) expect(d.attributes?.message).toContain('@oncall@example.com');

    const dashboards = (await api.dashboards.listDashboards({})).dashboards ?? [];
    const mine = dashboards.find((d) => d.title === 'my_metric & PostgreSQL');
    const full = await api.dashboards.getDashboard({ dashboardId: mine?.id ?? '' });
    const qs = JSON.stringify(v1.ObjectSerializer.serialize(full, 'Dashboard', ''));
    expect(qs).toContain("anomalies(avg:postgresql.rows_fetched{$host}, 'basic', 2)");
    expect(qs).toContain('avg:my_metric{$host}.rollup(sum, 3600)');
  });

  it('plans no change right after, with at most 3 requests', async () => {
    const r = await cli(['plan', '--json'], proxy.url);
    expect(r.err).toBe('');
    expect(r.json().changes.filter((c: { action: string }) => c.action !== 'keep')).toEqual([]);
    expect(r.code).toBe(0);
    expect(proxy.count).toBeLessThanOrEqual(3);
  });
});

describe('drift and changes', () => {
  it('shows exactly a threshold changed on the target, and apply puts it back', async () => {
    const api = createApi(env.target);
    const [monitor] = await api.monitors.listMonitors({ monitorTags: 'challenge-id:my-metric-high' });
    const options = { ...monitor?.options, thresholds: { critical: 800, warning: 450 } };
    await api.monitors.updateMonitor({ monitorId: monitor?.id ?? 0, body: { options } });

    const r = await cli(['plan', '--json'], proxy.url);
    expect(r.code).toBe(2);
    const changed = r.json().changes.filter((c: { action: string }) => c.action !== 'keep');
    expect(changed).toEqual([
      expect.objectContaining({
        action: 'update',
        kind: 'monitor',
        name: 'my-metric-high',
        fields: [{ path: 'options.thresholds.warning', before: 450, after: 500 }],
      }),
    ]);
    expect((await cli(['apply'], proxy.url)).code).toBe(0);
    expect((await cli(['plan'], proxy.url)).code).toBe(0);
  });

  it('shows exactly a threshold changed in the definitions', async () => {
    const api = createApi(env.target);
    const desired = challengeSet(definitionSettings(env.config)).map((d) =>
      d.kind === 'monitor'
        ? {
            ...d,
            body: { ...d.body, options: { ...d.body.options, thresholds: { critical: 800, warning: 400 } } },
          }
        : d,
    );
    const planned = await plan(api, desired);
    const changed = planned.changes.filter((c) => c.action !== 'keep');
    expect(changed.map((c) => c.action === 'update' && c.fields)).toEqual([
      [{ path: 'options.thresholds.warning', before: 500, after: 400 }],
    ]);
  });
  it('sees a widget edited by hand only with --refresh (the dashboard list carries no widgets)', async () => {
    const api = createApi(env.target);
    const summary = (await api.dashboards.listDashboards({})).dashboards?.find(
      (d) => d.title === 'APM and infrastructure',
    );
    const live = await api.dashboards.getDashboard({ dashboardId: summary?.id ?? '' });
    const first = live.widgets[0]?.definition as v1.TimeseriesWidgetDefinition;
    first.title = 'edited in the UI';
    await api.dashboards.updateDashboard({ dashboardId: summary?.id ?? '', body: live });

    expect((await cli(['plan'], proxy.url)).code).toBe(0);
    const refreshed = await cli(['plan', '--refresh', '--json'], proxy.url);
    expect(refreshed.code).toBe(2);
    const update = refreshed.json().changes.find((c: { action: string }) => c.action === 'update');
    expect(update.fields).toEqual([
      {
        path: 'widgets[0].definition.title',
        before: 'edited in the UI',
        after: 'traced-api: hits by resource',
      },
    ]);
    expect((await cli(['apply', '--refresh'], proxy.url)).code).toBe(0);
    expect((await cli(['plan', '--refresh'], proxy.url)).code).toBe(0);
  });

  it('validates a monitor before creating it: a rejected one is reported with the API message, nothing created', async () => {
    const api = createApi({ ...env.target, apiUrl: proxy.url });
    const base = myMetricMonitor(definitionSettings(env.config)).body;
    const bad = {
      kind: 'monitor' as const,
      name: 'bad-monitor',
      body: {
        ...base,
        query: 'avg(last_5m):avg:my_metric{*} by {host} >',
        tags: ownershipTags('bad-monitor'),
      },
    };
    const [outcome] = await executePlan(api, {
      empty: false,
      changes: [{ action: 'create', kind: 'monitor', name: 'bad-monitor', definition: bad }],
    });
    expect(outcome?.ok).toBe(false);
    expect(outcome?.error).toMatch(
      /^Creating monitor bad-monitor failed: HTTP 400: .+ — the target rejected the definition/,
    );
    expect(proxy.log.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /api/v1/monitor/validate']);
  });
});

describe('destroy', () => {
  it('removes only what this project owns; foreign resources survive', async () => {
    const api = createApi(env.target);
    const query = 'avg(last_5m):avg:my_metric{*} > 900';
    const foreign = await Promise.all([
      api.monitors.createMonitor({ body: { name: 'someone else', type: 'metric alert', query } }),
      api.monitors.createMonitor({
        body: {
          name: 'my_metric is high',
          type: 'metric alert',
          query,
          tags: ['challenge-id:my-metric-high'],
        },
      }),
      api.monitors.createMonitor({
        body: { name: 'other tool', type: 'metric alert', query, tags: ['managed-by:terraform'] },
      }),
    ]);
    const foreignDashboard = await api.dashboards.createDashboard({
      body: { title: 'my_metric & PostgreSQL', layoutType: 'ordered', widgets: [], description: 'hand-made' },
    });

    const r = await cli(['destroy', '--json'], proxy.url);
    expect(r.code).toBe(0);
    expect(r.json().outcomes.map((o: { action: string; ok: boolean }) => [o.action, o.ok])).toEqual(
      Array(5).fill(['delete', true]),
    );
    expect(await readInventory(api)).toEqual([]);
    const left = await api.monitors.listMonitors({});
    expect(left.map((m) => m.id).sort()).toEqual(foreign.map((m) => m.id).sort());
    expect((await api.dashboards.getDashboard({ dashboardId: foreignDashboard.id ?? '' })).title).toBe(
      'my_metric & PostgreSQL',
    );

    const again = await cli(['destroy'], proxy.url);
    expect(again.out).toMatch(/Nothing owned by this project/);
  });
});

/** Each owned name exactly once, and nothing left to do. */
async function expectConverged(): Promise<void> {
  const api = createApi(env.target);
  const names = (await readInventory(api)).map((r) => `${r.kind}/${r.name}`).sort();
  expect(names).toEqual([
    'dashboard/apm-infra',
    'dashboard/my-metric-postgres',
    'downtime/downtime-weekend',
    'downtime/downtime-weeknights',
    'monitor/my-metric-high',
  ]);
  expect((await cli(['plan'], env.sandbox.apiUrl)).code).toBe(0);
}

describe('an apply cut off after k requests, then apply again', () => {
  for (const k of [5, 7, 9]) {
    it(`converges without duplicates (cut after request ${k}, its answer lost)`, async () => {
      await destroy(createApi(env.target));
      proxy.script = (n, req) =>
        n < k
          ? { kind: 'forward' }
          : n === k
            ? { kind: 'forward-then', afterward: () => req.socket.destroy() }
            : { kind: 'drop' };
      const cut = await cli(['apply'], proxy.url, { policy: { maxAttempts: 1 } });
      expect(cut.code).toBe(1);
      proxy.reset();
      const again = await cli(['apply'], proxy.url);
      expect(again.err).toBe('');
      expect(again.code).toBe(0);
      await expectConverged();
    });
  }

  it('converges after a real SIGKILL of the CLI process mid-apply', async () => {
    await destroy(createApi(env.target));
    const child = spawn(
      process.execPath,
      ['--conditions=@dd-challenge/source', 'src/cli.ts', 'apply', '--target', 'sandbox'],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { PATH: process.env.PATH, ...TEST_ENV, SANDBOX_URL: proxy.url },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Request 5 is the monitor's create: the sandbox makes it, the process dies before the answer.
    proxy.script = (n) =>
      n < 5
        ? { kind: 'forward' }
        : n === 5
          ? { kind: 'forward-then', afterward: () => child.kill('SIGKILL') }
          : { kind: 'drop' };
    expect(await exited).toBe('SIGKILL');
    expect(proxy.log.find((e) => e.n === 5)).toMatchObject({ method: 'POST', path: '/api/v1/monitor' });
    proxy.reset();
    expect((await cli(['apply'], proxy.url)).code).toBe(0);
    await expectConverged();
  }, 120_000);
});

describe('faults on the wire', () => {
  it('retries a 429 after its reset, 5xx on reads, and re-reads after a failed create: done, no duplicates', async () => {
    await destroy(createApi(env.target));
    const seen = new Set<string>();
    const first = (key: string) => !seen.has(key) && Boolean(seen.add(key));
    proxy.script = (_n, req) => {
      const key = `${req.method} ${req.url?.split('?')[0]}`;
      if (key === 'GET /api/v1/monitor' && first('429'))
        return { kind: 'answer', status: 429, headers: { 'x-ratelimit-reset': '1' } };
      if (key === 'GET /api/v2/downtime' && first('503')) return { kind: 'answer', status: 503 };
      if (key === 'POST /api/v1/monitor' && first('500')) return { kind: 'answer', status: 500 };
      if (key === 'POST /api/v1/dashboard' && first('reset'))
        return { kind: 'forward-then', afterward: () => req.socket.destroy() };
      return { kind: 'forward' };
    };
    const r = await cli(['apply', '--json'], proxy.url);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.json().rounds).toBe(2);
    expect(seen).toEqual(new Set(['429', '503', '500', 'reset']));
    const monitorLists = proxy.log.filter((e) => e.method === 'GET' && e.path === '/api/v1/monitor');
    expect(monitorLists[0]?.action).toBe('answer');
    expect(monitorLists.length).toBeGreaterThanOrEqual(2);
    proxy.reset();
    await expectConverged();
  });
});

describe('snapshot and preview', () => {
  it('snapshots my_metric over 5 minutes and @-notifies the handle with its URL in an event', async () => {
    const r = await cli(['snapshot', '--json'], proxy.url);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { snapshotUrl, eventId } = r.json();
    const png = await fetch(snapshotUrl);
    expect(png.headers.get('content-type')).toMatch(/image\/png/);
    const api = createApi(env.target);
    const event = (await api.events.getEvent({ eventId: Number(eventId) })).event;
    expect(event?.text).toContain(snapshotUrl);
    expect(event?.text).toContain('@oncall@example.com');
    expect(event?.tags).toEqual(expect.arrayContaining(['managed-by:dd-challenge', 'challenge-id:snapshot']));
  });

  it('previews the downtime calendar of the week and backtests the monitor', async () => {
    const r = await cli(['preview', '--json'], proxy.url);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = r.json();
    const names = new Set(result.calendar.windows.map((w: { name: string }) => w.name));
    expect(names).toEqual(new Set(['downtime-weeknights', 'downtime-weekend']));
    // 7 days: five weeknight windows and one or two weekend windows (one may be under way).
    const weeknights = result.calendar.windows.filter(
      (w: { name: string }) => w.name === 'downtime-weeknights',
    );
    expect(weeknights.length).toBeGreaterThanOrEqual(5);
    for (const w of weeknights) expect(w.start).toMatch(/T19:00:00\+0[12]:00$/);
    expect(result.backtests[0].name).toBe('my-metric-high');
    expect(result.backtests[0].result.evaluations).toBeGreaterThan(0);
  });
});
