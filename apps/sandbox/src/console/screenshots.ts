/**
 * `pnpm docs:screenshots`: starts a sandbox with a day of seeded data, provisions the challenge's
 * dashboards, monitor and downtimes (packages/provisioning's definitions and apply), replays the
 * monitor over the past hours, then photographs the console's main pages with Debian's Chromium
 * into <repo>/docs/images/.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '@dd-challenge/config';
import { chromium } from 'playwright-core';
import { ManualClock } from '../clock.ts';
import { startSandbox } from '../sandbox.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';
import { sendDemoTraces, submitDemoMetrics } from './seed.ts';

/** What this script uses of @dd-challenge/provisioning (loaded by path, so typed here). */
interface Provisioning {
  apply(
    api: unknown,
    definitions: unknown[],
  ): Promise<{
    ok: boolean;
    outcomes: { ok: boolean; id?: string; change: { kind: string; name: string } }[];
  }>;
  createApi(target: unknown): unknown;
  challengeSet(settings: unknown): unknown[];
  definitionSettings(config: unknown): unknown;
  MY_METRIC_MONITOR: string;
  MY_METRIC_DASHBOARD: string;
  APM_INFRA_DASHBOARD: string;
}
const HOST = 'demo-host';
const root = join(import.meta.dirname, '../../../..');
const outDir = join(root, 'docs/images');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-shots-'));
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const clock = new ManualClock(end - 3 * 3_600_000);
  const config = loadConfig({
    env: {
      LOG_LEVEL: 'warn',
      DD_HOSTNAME: HOST,
      NOTIFY_HANDLE: '@you@example.com',
      DOWNTIME_TIMEZONE: 'Europe/Paris',
      SANDBOX_DATA_DIR: dataDir,
    },
    envFile: false,
  });
  const sandbox = await startSandbox({
    config,
    dataDir,
    clock,
    hostname: HOST,
    ports: { api: 0, dogstatsd: 0, traces: 0 },
  });
  try {
    // Provision exactly what `pnpm provision apply` creates (the module is loaded by path: the
    // provisioning package depends on this one, not the other way round).
    const provisioning = (await import(
      pathToFileURL(join(root, 'packages/provisioning/src/index.ts')).href
    )) as Provisioning;
    const target = {
      name: 'sandbox' as const,
      apiUrl: sandbox.apiUrl,
      appUrl: sandbox.apiUrl,
      apiKey: config.sandbox.apiKey,
      appKey: config.sandbox.appKey,
    };
    const applied = await provisioning.apply(
      provisioning.createApi(target),
      provisioning.challengeSet(provisioning.definitionSettings(config)),
    );
    if (!applied.ok)
      throw new Error(`provisioning failed: ${JSON.stringify(applied.outcomes.filter((o) => !o.ok))}`);
    const idOf = (kind: string, name: string) =>
      applied.outcomes.find((o) => o.change.kind === kind && o.change.name === name)?.id as string;

    // The engine's first cycle anchors at the clock's start; runUntil then replays minute by minute.
    await sandbox.monitors.tick();
    const points = await submitDemoMetrics(sandbox, HOST, Math.floor(end / 1000));
    const traces = await sendDemoTraces(sandbox, clock, end - 60 * 60_000, end);
    clock.set(end);
    sandbox.context.agent.flush();
    await sandbox.monitors.runUntil(end);
    console.log(`seeded ${points} points, ${traces} traces; replayed the monitor for 3 hours`);

    const monitorId = idOf('monitor', provisioning.MY_METRIC_MONITOR);
    const myMetric = idOf('dashboard', provisioning.MY_METRIC_DASHBOARD);
    const apmDash = idOf('dashboard', provisioning.APM_INFRA_DASHBOARD);
    const trace = sandbox.context.traces.find({ resource: 'GET /api/notes', limit: 1 })[0];

    if (process.env.CONSOLE_SERVE) {
      // Keep the seeded sandbox up to look at it in a browser.
      console.log(`console at ${sandbox.apiUrl}/ (monitor ${monitorId}, dashboards ${myMetric} ${apmDash})`);
      await new Promise((resolve) => process.once('SIGINT', resolve));
      return;
    }
    mkdirSync(outDir, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') console.error(`  console error: ${m.text()}`);
      });
      const shots: Array<{
        file: string;
        path: string;
        ready?: string;
        full?: boolean;
        height?: number;
        before?: () => Promise<void>;
      }> = [
        { file: 'console-home.png', path: '/' },
        {
          file: 'console-dashboard-my-metric.png',
          path: `/dashboard/${myMetric}`,
          ready: 'body[data-refreshes]',
          full: true,
        },
        {
          file: 'console-dashboard-apm.png',
          path: `/dashboard/${apmDash}`,
          ready: 'body[data-refreshes]',
          full: true,
        },
        {
          file: 'console-monitor.png',
          path: `/monitors/${monitorId}`,
          ready: 'body[data-ready]',
          height: 1300,
        },
        { file: 'console-downtimes.png', path: '/monitors/downtimes' },
        {
          file: 'console-apm-service.png',
          path: `/apm/services/${config.service.service}?resource=${encodeURIComponent('GET /api/notes')}`,
          full: true,
        },
        {
          file: 'console-trace.png',
          path: `/apm/trace/${trace?.trace_id}`,
          before: async () => {
            await page.locator('details.span-row summary').nth(1).click();
          },
        },
        { file: 'console-inbox.png', path: '/sandbox/console/inbox' },
        {
          file: 'console-explorer.png',
          path: `/metric/explorer?query=${encodeURIComponent('avg:postgresql.rows_fetched{*} by {host}')}&live_span=4h`,
          ready: 'body[data-ran]',
        },
      ];
      for (const shot of shots) {
        await page.setViewportSize({ width: 1280, height: shot.height ?? 800 });
        await page.goto(`${sandbox.apiUrl}${shot.path}`, { waitUntil: 'load' });
        if (shot.ready) await page.waitForSelector(shot.ready, { state: 'attached', timeout: 20_000 });
        await shot.before?.();
        await page.waitForTimeout(150);
        const file = join(outDir, shot.file);
        await page.screenshot({ path: file, fullPage: shot.full ?? false });
        console.log(`${file} (${Math.round(statSync(file).size / 1024)} KB)`);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
