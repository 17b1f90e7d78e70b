// Time from `pnpm dev` (turbo run dev) to all green — every app answering, the resources
// provisioned and the first my_metric point queryable, which is when the status block prints —
// cold (fresh data folders) and warm (the same folders again), against the time to start the
// sandbox alone in the same run. Target: warm <= 10 s on this machine.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@dd-challenge/config';
import { freeTcpPort, freeUdpPort } from '../src/ports.ts';
import { startStack } from '../src/stack.ts';

const root = findRepoRoot(import.meta.dirname);

async function sandboxAlone(): Promise<number> {
  const data = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
  const port = await freeTcpPort();
  const env = {
    ...process.env,
    SANDBOX_PORT: String(port),
    DD_TRACE_AGENT_PORT: String(await freeTcpPort()),
    DD_DOGSTATSD_PORT: String(await freeUdpPort()),
    EMBEDDED_PG_PORT: String(await freeTcpPort()),
    SANDBOX_DATA_DIR: data,
    LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', 'src/main.ts'], {
    cwd: join(root, 'apps/sandbox'),
    env,
    stdio: 'ignore',
  });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/sandbox/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - started;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  rmSync(data, { recursive: true, force: true });
  return ms;
}

async function devToGreen(dataDir: string): Promise<number> {
  const started = performance.now();
  const stack = await startStack({}, dataDir);
  try {
    await stack.untilOutput(/dd-challenge is up/, 180_000);
    return performance.now() - started;
  } finally {
    await stack.stop();
  }
}

const data = mkdtempSync(join(tmpdir(), 'bench-dev-'));
const alone = await sandboxAlone();
const cold = await devToGreen(data);
const warm = await devToGreen(data);
const result = {
  benchmark: 'dev-startup',
  sandbox_alone_ms: Math.round(alone),
  dev_cold_ms: Math.round(cold),
  dev_warm_ms: Math.round(warm),
  cold_vs_sandbox_alone: Number((cold / alone).toFixed(2)),
  warm_vs_sandbox_alone: Number((warm / alone).toFixed(2)),
  target_warm_ms: 10_000,
  warm_target_met: warm <= 10_000,
};
rmSync(data, { recursive: true, force: true });
mkdirSync(join(import.meta.dirname, '../bench-results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, '../bench-results/dev-startup.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result, null, 2));
