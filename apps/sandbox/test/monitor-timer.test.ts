import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, v1, v2 } from '@datadog/datadog-api-client';
import { loadConfig } from '@dd-challenge/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../src/clock.ts';
import { type Sandbox, startSandbox } from '../src/sandbox.ts';

describe('the engine timer follows a sped-up clock', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-timer-'));
  let sandbox: Sandbox;
  const clock = new ScaledClock(600); // a sandbox minute every 100 ms
  beforeAll(async () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'silent', SANDBOX_CLOCK_SPEED: '600' }, envFile: false });
    sandbox = await startSandbox({
      config,
      clock,
      dataDir,
      hostname: 'timer-host',
      ports: { api: 0, dogstatsd: 0, traces: 0 },
    });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('evaluates on its own, minute after sandbox minute', async () => {
    const configuration = client.createConfiguration({
      baseServer: new client.BaseServerConfiguration(sandbox.apiUrl, {}),
      authMethods: { apiKeyAuth: 'local', appKeyAuth: 'local' },
      enableRetry: false,
    });
    const now = clock.now() / 1000;
    // an hour of sandbox time of a hot metric, from five sandbox minutes ago
    const points = Array.from({ length: 390 }, (_, i) => ({
      timestamp: Math.floor(now) - 300 + i * 10,
      value: 900,
    }));
    await new v2.MetricsApi(configuration).submitMetrics({
      body: {
        series: [
          { metric: 'timer_metric', type: 3, points, resources: [{ type: 'host', name: 'timer-host' }] },
        ],
      },
    });
    const monitors = new v1.MonitorsApi(configuration);
    const created = await monitors.createMonitor({
      body: {
        name: 't',
        type: 'metric alert',
        query: 'avg(last_5m):avg:timer_metric{*} > 800',
        message: '@me',
      },
    });
    const deadline = Date.now() + 10_000;
    let state = created.overallState;
    while (state !== 'Alert' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await monitors.getMonitor({ monitorId: created.id ?? 0 })).overallState;
    }
    expect(state).toBe('Alert');
    expect(sandbox.context.store.outbox.list({ source: 'monitor' })[0]).toMatchObject({
      transition: 'Triggered',
      to: ['me'],
    });
  });
});
