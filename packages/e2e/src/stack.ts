import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@dd-challenge/config';
import { type DemoPorts, isolatedDemo } from './demo-env.ts';
import { isListening } from './ports.ts';

export interface Stack {
  /** Process id of pnpm dev's launcher (packages/dev), the root of the stack's process tree. */
  readonly pid: number;
  readonly sandboxUrl: string;
  readonly apiUrl: string;
  readonly ports: DemoPorts;
  /** Everything the stack printed so far (for failure messages). */
  output(): string;
  /** Resolves when the output matches `pattern` (the status block of `pnpm dev`, say). */
  untilOutput(pattern: RegExp, ms: number): Promise<void>;
  /** Stops every process of the stack; resolves once they are gone and the ports are free. */
  stop(): Promise<void>;
}

/**
 * Starts the whole stack exactly as `pnpm dev` does (its launcher, packages/dev, which runs
 * `turbo run dev` and the provisioning step), on free ports and with fresh data folders, so it
 * never collides with a developer's running demo.
 */
export async function startStack(extraEnv: Record<string, string> = {}, dataDir?: string): Promise<Stack> {
  const root = findRepoRoot(import.meta.dirname);
  const data = dataDir ?? mkdtempSync(join(tmpdir(), 'e2e-stack-'));
  // The stack must target the sandbox whatever the developer's shell holds.
  const { ports, env } = await isolatedDemo(
    data,
    /^(DD_API_KEY|DD_APP_KEY|DATABASE_URL|SANDBOX_URL|VITEST.*|NODE_OPTIONS)$/,
  );
  Object.assign(env, {
    MY_METRIC_INTERVAL: '1s',
    DD_TRACE_FLUSH_INTERVAL: '500',
    LOG_LEVEL: 'warn',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    FORCE_COLOR: '0',
    ...extraEnv,
  });

  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@dd-challenge/source', join(root, 'packages/dev/src/main.ts')],
    { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  const keep = (chunk: Buffer) => {
    text += chunk.toString();
    if (text.length > 200_000) text = text.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    pid: child.pid as number,
    sandboxUrl: `http://127.0.0.1:${ports.sandbox}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    ports,
    output: () => text,
    async untilOutput(pattern, ms) {
      const deadline = Date.now() + ms;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in the output within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const group = -(child.pid as number);
      try {
        process.kill(group, 'SIGINT');
      } catch {
        // already gone
      }
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 15_000).unref(),
      );
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try {
          process.kill(group, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
      // The children of turbo may outlive it by a moment: wait for the ports to be released.
      const deadline = Date.now() + 10_000;
      for (const port of [ports.sandbox, ports.traces, ports.api, ports.postgres]) {
        while ((await isListening(port)) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
      }
      if (!dataDir) rmSync(data, { recursive: true, force: true });
    },
  };
}
