import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dd-challenge/config';
import type { Clock } from '../src/clock.ts';
import { type Sandbox, startSandbox } from '../src/sandbox.ts';

export const HOST = 'sandbox-test-host';
export const KEYS = { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' };

/** A sandbox on free ports in a temporary data folder; close() removes the folder. */
export async function testSandbox(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    dataDir?: string;
    keepData?: boolean;
    traces?: number;
  } = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sandbox-agent-'));
  const config = loadConfig({
    env: {
      LOG_LEVEL: 'silent',
      DD_TAGS: 'role:database mytag',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      ...options.env,
    },
    envFile: false,
  });
  const sandbox: Sandbox = await startSandbox({
    config,
    dataDir,
    hostname: HOST,
    ports: { api: 0, dogstatsd: 0, traces: options.traces ?? 0 },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    sandbox,
    ctx: sandbox.context,
    dataDir,
    async close() {
      await sandbox.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true or `ms` pass. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The parts of a /api/v1/query answer the tests read. */
export interface QueryBody {
  series: Array<{ pointlist: Array<[number, number | null]>; tag_set: string[] }>;
  errors: string[];
}

/** GET /api/v1/query on the sandbox; returns status and body. */
export async function query(
  apiUrl: string,
  q: string,
  from: number,
  to: number,
): Promise<{ status: number; body: QueryBody }> {
  const url = `${apiUrl}/api/v1/query?${new URLSearchParams({ from: String(from), to: String(to), query: q })}`;
  const res = await fetch(url, { headers: KEYS });
  return { status: res.status, body: (await res.json()) as QueryBody };
}

/** The values of the single series a query returns (nulls dropped). */
export function values(body: QueryBody): number[] {
  return body.series.flatMap((s) => s.pointlist.map((p) => p[1]).filter((v): v is number => v !== null));
}
