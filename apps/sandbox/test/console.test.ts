/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against a
 * sandbox started here, with data sent through the official client and the trace intake.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { v1, v2 } from '@datadog/datadog-api-client';
import { loadConfig } from '@dd-challenge/config';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../src/console/chromium.ts';
import { sandboxClient } from '../src/console/seed.ts';
import { type Sandbox, startSandbox } from '../src/sandbox.ts';
import { until } from './helpers.ts';

const TRACED_CHILD = fileURLToPath(new URL('./fixtures/traced-child.mjs', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`console browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE;
const HOST_A = 'console-a';
const HOST_B = 'console-b';

describe.skipIf(!haveChromium)('web console in Chromium', () => {
  let sandbox: Sandbox;
  let browser: BrowserContext;
  let dataDir: string;
  let profile: string;
  const clock = new ManualClock(T0);
  let dashboardUrl: string;
  let monitorId: number;
  let traceId: string;
  let downtimeId: string;
  /** Console errors and page errors of the page under test. */
  let problems: string[] = [];

  /** Opens `path` in a new tab (or `reuse`), recording console errors and uncaught page errors. */
  async function open(path: string, reuse?: Page): Promise<Page> {
    const page = reuse ?? (await browser.newPage());
    problems = [];
    if (!reuse) {
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    }
    const response = await page.goto(`${sandbox.apiUrl}${path}`, { waitUntil: 'load' });
    expect(response?.status(), path).toBe(200);
    return page;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'console-test-'));
    profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    const config = loadConfig({
      env: { LOG_LEVEL: 'silent', NOTIFY_HANDLE: '@you@example.com', DD_HOSTNAME: HOST_A },
      envFile: false,
    });
    sandbox = await startSandbox({
      config,
      dataDir,
      clock,
      hostname: HOST_A,
      ports: { api: 0, dogstatsd: 0, traces: 0 },
    });
    const configuration = sandboxClient(sandbox);
    // Half an hour of points a minute apart: host a counts up 1..31, host b stays at 900.
    const t0 = T0 / 1000;
    const points = (value: (i: number) => number) =>
      Array.from({ length: 31 }, (_, i) => ({ timestamp: t0 - (30 - i) * 60, value: value(i) }));
    await new v2.MetricsApi(configuration).submitMetrics({
      body: {
        series: [
          {
            metric: 'console.metric',
            type: 3,
            points: points((i) => i + 1),
            resources: [{ name: HOST_A, type: 'host' }],
          },
          {
            metric: 'console.metric',
            type: 3,
            points: points(() => 900),
            resources: [{ name: HOST_B, type: 'host' }],
          },
        ],
      },
    });
    const dashboard = await new v1.DashboardsApi(configuration).createDashboard({
      body: {
        title: 'Console test board',
        layoutType: 'ordered',
        templateVariables: [{ name: 'host', prefix: 'host', defaults: [HOST_A] }],
        widgets: [
          {
            definition: {
              type: 'timeseries',
              title: 'console.metric on $host',
              requests: [{ q: 'avg:console.metric{$host}', displayType: 'line' }],
              markers: [{ value: 'y = 20', displayType: 'error dashed', label: 'twenty' }],
            },
          },
          {
            definition: {
              type: 'query_value',
              title: 'max on $host',
              requests: [{ q: 'avg:console.metric{$host}', aggregator: 'max' }],
              precision: 0,
            },
          },
          { definition: { type: 'note', content: 'A **note** for the console test' } },
          {
            definition: {
              type: 'group',
              title: 'A group',
              layoutType: 'ordered',
              widgets: [
                {
                  definition: {
                    type: 'timeseries',
                    title: 'bars by host',
                    requests: [{ q: 'avg:console.metric{*} by {host}', displayType: 'bars' }],
                  },
                },
              ],
            },
          },
        ],
      },
    });
    dashboardUrl = dashboard.url as string;
    const monitor = await new v1.MonitorsApi(configuration).createMonitor({
      body: {
        type: 'metric alert',
        name: 'console metric high',
        query: 'avg(last_5m):avg:console.metric{*} by {host} > 500',
        message: '{{host.name}} is at {{value}} @you@example.com',
        options: { thresholds: { critical: 500, warning: 300 } },
      },
    });
    monitorId = monitor.id as number;
    const downtime = await new v2.DowntimesApi(configuration).createDowntime({
      body: {
        data: {
          type: 'downtime',
          attributes: {
            scope: `host:${HOST_B}`,
            monitorIdentifier: { monitorId },
            schedule: {
              timezone: 'Europe/Paris',
              recurrences: [{ rrule: 'FREQ=DAILY', duration: '2h', start: '2026-01-01T13:00' }],
            },
            message: 'daily quiet hours',
          } as v2.DowntimeCreateRequestAttributes,
        },
      },
    });
    downtimeId = downtime.data?.id as string;
    // A simulated run: host a climbs to 800 over ten minutes; the engine replays each minute.
    await sandbox.monitors.tick();
    await new v2.MetricsApi(configuration).submitMetrics({
      body: {
        series: [
          {
            metric: 'console.metric',
            type: 3,
            points: Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + (i + 1) * 60, value: 800 })),
            resources: [{ name: HOST_A, type: 'host' }],
          },
        ],
      },
    });
    // Traces from the real tracer: dd-trace in a child process (the trace tests' fixture app).
    const child = spawn(process.execPath, [TRACED_CHILD], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DD_TRACE_AGENT_URL: sandbox.traceUrl,
        DD_DOGSTATSD_PORT: String(sandbox.dogstatsd.port),
        DD_REMOTE_CONFIGURATION_ENABLED: 'false',
        DD_TRACE_STARTUP_LOGS: 'false',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const printed: Array<{ trace_id: string; error: boolean }> = [];
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) =>
      printed.push(JSON.parse(line)),
    );
    try {
      await until(
        () => printed.some((p) => !p.error && sandbox.context.traces.get(p.trace_id)?.spans.length === 2),
        30_000,
        'a trace from dd-trace',
      );
    } finally {
      child.kill('SIGTERM');
    }
    traceId = printed.find((p) => !p.error && sandbox.context.traces.get(p.trace_id)?.spans.length === 2)
      ?.trace_id as string;

    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [...CHROMIUM_ARGS],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('every page loads with no console errors', async () => {
    const paths = [
      '/',
      '/dashboard/lists',
      '/monitors/manage',
      '/monitors/downtimes',
      '/apm/services',
      '/metric/explorer',
      '/sandbox/console/inbox',
      '/sandbox/console/intake',
    ];
    let page: Page | undefined;
    for (const path of paths) {
      page = await open(path, page);
      expect(await page.locator('main h1').first().textContent(), path).not.toBe('');
      expect(problems, path).toEqual([]);
    }
    await page?.close();
  }, 30_000);

  it('a dashboard opens at its API url and draws the submitted points', async () => {
    expect(dashboardUrl).toMatch(/^\/dashboard\/[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}\/console-test-board$/);
    const page = await open(dashboardUrl);
    const answers: Array<{
      url: string;
      body: { series: Array<{ scope: string; pointlist: [number, number][] }> };
    }> = [];
    page.on('response', async (r) => {
      if (r.url().includes('/sandbox/console/query')) answers.push({ url: r.url(), body: await r.json() });
    });
    await page.waitForSelector('body[data-refreshes]', { state: 'attached' });
    const plot = page.locator('[data-widget="0"] .plot');
    await expect.poll(() => plot.getAttribute('data-points')).toBe('31');
    expect(await plot.locator('canvas').count()).toBeGreaterThan(0);
    // Before T0 host a counted 1..31; the page asked for host a only.
    expect(await page.locator('[data-widget="1"] .big-number').textContent()).toBe('31');
    expect(await page.locator('.w-note strong').textContent()).toBe('note');
    await expect.poll(() => page.locator('[data-widget="3.0"] .plot').getAttribute('data-series')).toBe('2');
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('changing the template variable and the time range changes the query sent', async () => {
    const page = await open(dashboardUrl);
    await page.waitForSelector('body[data-refreshes]', { state: 'attached' });
    const sent: URL[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/sandbox/console/query')) sent.push(new URL(r.url()));
    });
    await page.selectOption('select[name=host]', HOST_B);
    await page.waitForSelector('body[data-refreshes="2"]', { state: 'attached' });
    const forB = sent.filter((u) => u.searchParams.get('query') === `avg:console.metric{host:${HOST_B}}`);
    expect(forB.length).toBe(2);
    const span = (u: URL) => Number(u.searchParams.get('to')) - Number(u.searchParams.get('from'));
    expect(forB.map(span)).toEqual([3600, 3600]);
    expect(Number(forB[0]?.searchParams.get('to'))).toBe(T0 / 1000);
    expect(await page.locator('[data-widget="1"] .big-number').textContent()).toBe('900');
    sent.length = 0;
    await page.click('button[data-span="4h"]');
    await page.waitForSelector('body[data-refreshes="3"]', { state: 'attached' });
    expect(sent.filter((u) => u.searchParams.get('query')?.includes(HOST_B)).map(span)).toEqual([
      14_400, 14_400,
    ]);
    expect(new URL(page.url()).searchParams.get('tpl_var_host')).toBe(HOST_B);
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('a monitor page shows the transitions a simulated run produced', async () => {
    clock.set(T0 + 10 * MINUTE);
    const reports = await sandbox.monitors.runUntil(T0 + 10 * MINUTE);
    expect(reports.length).toBe(10);
    const page = await open(`/monitors/${monitorId}`);
    await page.waitForSelector('body[data-ready]', { state: 'attached' });
    const rows = await page.locator('#transitions tbody tr').allTextContents();
    const forA = rows.filter((r) => r.includes(`host:${HOST_A}`));
    expect(forA.some((r) => /OK\s*Alert/.test(r) || /Warn\s*Alert/.test(r))).toBe(true);
    expect(rows.some((r) => r.includes(`host:${HOST_B}`) && r.includes('Alert'))).toBe(true);
    expect(await page.locator('table.timelines svg.timeline').count()).toBe(2);
    expect(await page.locator('h1 .status').textContent()).toBe('Alert');
    await expect.poll(() => page.locator('#preview table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#monitor-graph .plot').getAttribute('data-series')).toBe('2');
    expect(problems).toEqual([]);
    await page.close();
    // The downtime calendar shows the daily window; `?id=` (provision's link) marks its row.
    const calendar = await open(`/monitors/downtimes?id=${downtimeId}`);
    expect(await calendar.locator('.cal-track .block').count()).toBeGreaterThanOrEqual(7);
    expect(await calendar.locator('tr.selected').getAttribute('id')).toBe(downtimeId);
    expect(await calendar.locator('.cal-track .block').first().getAttribute('title')).toContain(
      'Europe/Paris',
    );
    await calendar.close();
  }, 30_000);

  it('APM: service -> resource -> trace waterfall lists the spans dd-trace sent, with their tags', async () => {
    const page = await open('/apm/services');
    await page.click('a[href="/apm/services/fixture-app"]');
    await page.getByRole('link', { name: 'GET /items/:id', exact: true }).first().click();
    await page.waitForURL('**/apm/services/fixture-app?resource=*');
    expect(await page.locator('table.grid tbody tr').first().textContent()).toContain('web.request');
    await page.locator(`a[href="/apm/trace/${traceId}"]`).first().click();
    await page.waitForURL(`**/apm/trace/${traceId}`);
    const names = await page.locator('.span-row summary .wf-name').allTextContents();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/fixture-app\s+web\.request\s+GET \/items\/:id/);
    expect(names[1]).toMatch(/fixture-app-postgres\s+pg\.query\s+SELECT 1/);
    await page.locator('.span-row summary').nth(1).click();
    const tags = await page.locator('.span-row').nth(1).locator('table.tags').textContent();
    expect(tags).toContain('db.name');
    expect(tags).toContain('fixture-app-postgres');
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('the metrics explorer shows a parse error under its position', async () => {
    const page = await open('/metric/explorer');
    await page.fill('#query', 'avg:console.metric{host:');
    await page.click('button.primary');
    await page.waitForSelector('#parse-error:not([hidden])');
    const text = (await page.locator('#parse-error').textContent()) as string;
    const [query, carets] = text.split('\n');
    expect(query).toBe('avg:console.metric{host:');
    expect(carets?.indexOf('^')).toBeGreaterThan(0);
    await page.fill('#query', 'avg:console.metric{*} by {host}');
    await page.click('button.primary');
    await expect.poll(() => page.locator('#explorer-plot').getAttribute('data-series')).toBe('2');
    await page.close();
  }, 30_000);
});
