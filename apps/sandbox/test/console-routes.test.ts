/**
 * The console's server side without a browser: pages, escaping, the same-origin query route,
 * static assets and 404s, over real HTTP against a sandbox started here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v1 } from '@datadog/datadog-api-client';
import { loadConfig } from '@dd-challenge/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { sandboxClient } from '../src/console/seed.ts';
import { type Sandbox, startSandbox } from '../src/sandbox.ts';

const T0 = Math.floor(Date.now() / 60_000) * 60_000;

describe('console routes', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  const get = (path: string) => fetch(`${sandbox.apiUrl}${path}`);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'console-routes-'));
    const config = loadConfig({
      env: {
        LOG_LEVEL: 'silent',
        SANDBOX_API_KEY: 'console-test-api-key',
        SANDBOX_APP_KEY: 'console-test-app-key',
      },
      envFile: false,
    });
    sandbox = await startSandbox({
      config,
      dataDir,
      clock: new ManualClock(T0),
      ports: { api: 0, dogstatsd: 0, traces: 0 },
    });
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('escapes what users wrote: a dashboard titled with markup renders as text', async () => {
    const dashboard = await new v1.DashboardsApi(sandboxClient(sandbox)).createDashboard({
      body: {
        title: '<script>alert(1)</script> & "quotes"',
        layoutType: 'ordered',
        widgets: [
          { definition: { type: 'note', content: '<img src=x onerror=alert(1)> [ok](javascript:alert(1))' } },
        ],
      },
    });
    const res = await get(dashboard.url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('href="javascript:');
    // Datadog's short link (what `provision apply` prints) opens the same page.
    expect((await get(`/dashboard/${dashboard.id}`)).status).toBe(200);
  });

  it('the query route answers as /api/v1/query does, with no key in the page and a parse position', async () => {
    const to = T0 / 1000;
    const ok = await get(
      `/sandbox/console/query?query=${encodeURIComponent('avg:nothing{*}')}&from=${to - 3600}&to=${to}`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', res_type: 'time_series', series: [] });
    const bad = await get(
      `/sandbox/console/query?query=${encodeURIComponent('avg:m{host:')}&from=${to - 60}&to=${to}`,
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as {
      errors: string[];
      position: { from: number; to: number; message: string };
    };
    expect(body.errors[0]).toMatch(/^Error parsing query: .* \(at character \d+\)$/);
    expect(body.position.from).toBeGreaterThan(3);
    const missing = await get('/sandbox/console/query?query=avg:m{*}&from=x&to=1');
    expect(missing.status).toBe(400);
    for (const path of ['/', '/dashboard/lists', '/metric/explorer', '/sandbox/console/intake']) {
      const text = await (await get(path)).text();
      expect(text, path).not.toContain('console-test-api-key');
      expect(text, path).not.toContain('console-test-app-key');
    }
  });

  it('serves its assets and uPlot from disk, and nothing else', async () => {
    const uplot = await get('/sandbox/console/static/uPlot.esm.js');
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toContain('text/javascript');
    expect(await uplot.text()).toContain('export');
    expect((await get('/sandbox/console/static/console.css')).headers.get('content-type')).toContain(
      'text/css',
    );
    expect((await get('/sandbox/console/static/..%2Fhtml.ts')).status).toBe(404);
    expect((await get('/sandbox/console/static/seed.ts')).status).toBe(404);
  });

  it('answers 404 pages for what does not exist', async () => {
    for (const path of [
      '/dashboard/abc-def-ghi/x',
      '/monitors/999',
      '/monitors/abc',
      '/apm/trace/123',
      '/apm/services/none',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('Not found');
    }
  });
});
