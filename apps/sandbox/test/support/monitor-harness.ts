/**
 * A sandbox on a ManualClock for engine tests, driven through the official client: metrics go
 * in through MetricsApi (POST /api/v2/series), monitors and downtimes through MonitorsApi and
 * DowntimesApi, exactly as provisioning sends them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, v1, v2 } from '@datadog/datadog-api-client';
import { loadConfig } from '@dd-challenge/config';
import type { Logger } from 'pino';
import { ManualClock } from '../../src/clock.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox.ts';

export interface Harness {
  readonly sandbox: Sandbox;
  readonly clock: ManualClock;
  readonly metrics: v2.MetricsApi;
  readonly monitors: v1.MonitorsApi;
  readonly downtimes: v2.DowntimesApi;
  /** Submits `value` every 10 s over [fromMs, toMs) for `host`. */
  submit(
    metric: string,
    host: string,
    fromMs: number,
    toMs: number,
    value: number | ((t: number) => number),
  ): Promise<void>;
  /** Moves the clock to `ms` and runs every engine minute up to it. */
  advanceTo(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a sandbox at `startMs`; with `dataDir`, on that folder (kept at close: a restart). */
export async function startHarness(
  startMs: number,
  env: Record<string, string> = {},
  existingDataDir?: string,
  log?: Logger,
): Promise<Harness> {
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'engine-'));
  const config = loadConfig({ env: { LOG_LEVEL: 'silent', ...env }, envFile: false });
  const clock = new ManualClock(startMs);
  const sandbox = await startSandbox({
    config,
    clock,
    dataDir,
    hostname: 'sandbox-host',
    ports: { api: 0, dogstatsd: 0, traces: 0 },
    ...(log ? { log } : {}),
  });
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(sandbox.apiUrl, {}),
    authMethods: { apiKeyAuth: 'local', appKeyAuth: 'local' },
    enableRetry: false,
  });
  const metrics = new v2.MetricsApi(configuration);
  return {
    sandbox,
    clock,
    metrics,
    monitors: new v1.MonitorsApi(configuration),
    downtimes: new v2.DowntimesApi(configuration),
    async submit(metric, host, fromMs, toMs, value) {
      const points: v2.MetricPoint[] = [];
      for (let t = Math.ceil(fromMs / 10_000) * 10_000; t < toMs; t += 10_000) {
        points.push({ timestamp: t / 1000, value: typeof value === 'number' ? value : value(t) });
      }
      if (points.length === 0) return;
      await metrics.submitMetrics({
        body: {
          series: [{ metric, type: 3, points, resources: [{ type: 'host', name: host }], interval: 10 }],
        },
      });
    },
    async advanceTo(ms) {
      clock.set(ms);
      await sandbox.monitors.tick();
    },
    async close() {
      await sandbox.close();
      if (!existingDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
