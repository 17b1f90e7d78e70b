import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dd-challenge/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox.ts';

describe('sandbox API server', () => {
  let sandbox: Sandbox;
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-'));
  beforeAll(async () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'silent' }, envFile: false });
    sandbox = await startSandbox({ config, dataDir, ports: { api: 0, dogstatsd: 0, traces: 0 } });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 403 Forbidden like Datadog without keys, and validates with them', async () => {
    const denied = await fetch(`${sandbox.apiUrl}/api/v1/validate`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ errors: ['Forbidden'] });
    const ok = await fetch(`${sandbox.apiUrl}/api/v1/validate`, { headers: { 'DD-API-KEY': 'local' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ valid: true });
  });

  it('rejects a wrong application key on a resource route', async () => {
    const res = await fetch(`${sandbox.apiUrl}/api/v1/dashboard`, {
      headers: { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'nope' },
    });
    expect(res.status).toBe(403);
  });
});
