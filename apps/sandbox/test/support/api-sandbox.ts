import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from '@datadog/datadog-api-client';
import { loadConfig } from '@dd-challenge/config';
import type { Clock } from '../../src/clock.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox.ts';

/** Test support: a sandbox on free ports in a temp folder, and the official client pointed at it. */
export interface ApiTestSandbox {
  sandbox: Sandbox;
  dataDir: string;
  /** The official client's configuration for this sandbox (keys `local`/`local`). */
  configuration: client.Configuration;
  /** A configuration with other keys (auth failure tests). */
  configurationWith(apiKey: string, appKey: string): client.Configuration;
  close(): Promise<void>;
}

/** The official client configured for a base URL, as datadog-facts.md describes. */
export function clientConfiguration(
  baseUrl: string,
  apiKey = 'local',
  appKey = 'local',
): client.Configuration {
  return client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(baseUrl, {}),
    authMethods: { apiKeyAuth: apiKey, appKeyAuth: appKey },
    enableRetry: false,
  });
}

export async function startApiTestSandbox(options: { clock?: Clock } = {}): Promise<ApiTestSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-api-'));
  const config = loadConfig({
    env: { LOG_LEVEL: 'silent', NOTIFY_HANDLE: '@me@example.com' },
    envFile: false,
  });
  const sandbox = await startSandbox({
    config,
    dataDir,
    ports: { api: 0, dogstatsd: 0, traces: 0 },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    sandbox,
    dataDir,
    configuration: clientConfiguration(sandbox.apiUrl),
    configurationWith: (apiKey, appKey) => clientConfiguration(sandbox.apiUrl, apiKey, appKey),
    async close() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls fn, expecting the client to throw an ApiException; returns its code and body. */
export async function apiFailure(
  fn: () => Promise<unknown>,
): Promise<{ code: number; body: { errors?: string[] } }> {
  try {
    await fn();
  } catch (error) {
    const e = error as { code?: number; body?: unknown };
    if (typeof e.code === 'number') return { code: e.code, body: (e.body ?? {}) as { errors?: string[] } };
    throw error;
  }
  throw new Error('expected the call to fail');
}
