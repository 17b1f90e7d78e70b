import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v1, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestSandbox, clientConfiguration, startApiTestSandbox } from './support/api-sandbox.ts';

const CHILD = fileURLToPath(new URL('./fixtures/durable-child.ts', import.meta.url));

/** Starts the sandbox in a child process on dataDir; resolves with its URL once it listens. */
function startChild(dataDir: string): Promise<{ child: ChildProcess; apiUrl: string }> {
  const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', CHILD], {
    env: { ...process.env, SANDBOX_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('child sandbox did not start')), 45_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, apiUrl: (JSON.parse(line) as { apiUrl: string }).apiUrl });
      }
    });
    child.on('exit', (code) => reject(new Error(`child sandbox exited (${code})`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-kill9-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses nothing answered 2xx when the process is killed with SIGKILL', async () => {
    const first = await startChild(dataDir);
    let ids: { dashboard: string; monitor: number; downtime: string; event: number };
    try {
      const conf = clientConfiguration(first.apiUrl);
      const dashboard = await new v1.DashboardsApi(conf).createDashboard({
        body: {
          title: 'survives',
          layoutType: 'ordered',
          widgets: [{ definition: { type: 'note', content: 'x' } }],
        },
      });
      const monitor = await new v1.MonitorsApi(conf).createMonitor({
        body: { type: 'metric alert', name: 'survives', query: 'avg(last_5m):avg:m{*} > 1' },
      });
      const downtime = await new v2.DowntimesApi(conf).createDowntime({
        body: {
          data: {
            type: 'downtime',
            attributes: { scope: 'env:prod', monitorIdentifier: { monitorTags: ['*'] } },
          },
        },
      });
      const event = await new v1.EventsApi(conf).createEvent({
        body: { title: 'survives', text: 'hi @me@example.com' },
      });
      ids = {
        dashboard: dashboard.id as string,
        monitor: monitor.id as number,
        downtime: downtime.data?.id as string,
        event: event.event?.id as number,
      };
    } finally {
      await killHard(first.child);
    }

    const second = await startChild(dataDir);
    try {
      const conf = clientConfiguration(second.apiUrl);
      expect((await new v1.DashboardsApi(conf).getDashboard({ dashboardId: ids.dashboard })).title).toBe(
        'survives',
      );
      expect((await new v1.MonitorsApi(conf).getMonitor({ monitorId: ids.monitor })).name).toBe('survives');
      const dt = await new v2.DowntimesApi(conf).getDowntime({ downtimeId: ids.downtime });
      expect(dt.data?.attributes?.scope).toBe('env:prod');
      expect((await new v1.EventsApi(conf).getEvent({ eventId: ids.event })).event?.title).toBe('survives');
      const outbox = readFileSync(join(dataDir, 'outbox.jsonl'), 'utf8');
      expect(outbox).toContain('me@example.com');
    } finally {
      await killHard(second.child);
    }
  }, 120_000);
});

describe('concurrency', () => {
  let t: ApiTestSandbox;
  beforeAll(async () => {
    t = await startApiTestSandbox();
  });
  afterAll(() => t.close());

  it('gives 100 concurrent creates unique ids and keeps all of them', async () => {
    const monitors = new v1.MonitorsApi(t.configuration);
    const dashboards = new v1.DashboardsApi(t.configuration);
    const [createdMonitors, createdDashboards] = await Promise.all([
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          monitors.createMonitor({
            body: { type: 'metric alert', name: `m${i}`, query: `avg(last_5m):avg:m${i}{*} > 1` },
          }),
        ),
      ),
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          dashboards.createDashboard({ body: { title: `d${i}`, layoutType: 'ordered', widgets: [] } }),
        ),
      ),
    ]);
    expect(new Set(createdMonitors.map((m) => m.id)).size).toBe(100);
    expect(new Set(createdDashboards.map((d) => d.id)).size).toBe(100);
    expect(await monitors.listMonitors()).toHaveLength(100);
    expect((await dashboards.listDashboards()).dashboards).toHaveLength(100);
  }, 60_000);
});
