import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const NODE_SOURCE = ['--conditions=@dd-challenge/source'];
/** Exactly what `pnpm dev` runs: the config preload, then dd-trace, then the server. */
export const TRACED_ARGS = ['--import', './src/tracing/preload.ts', '--import', 'dd-trace/initialize.mjs'];

export interface AppProcess {
  url: string;
  /** stdout lines (pino JSON, every request at debug) and stderr lines as they arrived. */
  stdout: string[];
  stderr: string[];
  child: ChildProcess;
  /** SIGTERM, then resolves with the exit code once the process has gone. */
  stop(): Promise<number | null>;
}

/** A free TCP port on loopback (the app's PORT setting cannot be 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Runs src/server.ts as its own process (traced: with the same --import flags as `pnpm dev`)
 * and resolves once it listens. The environment is explicit: no .env is read from the repo.
 */
export async function startAppProcess(options: {
  traced: boolean;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<AppProcess> {
  const port = await freePort();
  const args = [...NODE_SOURCE, ...(options.traced ? TRACED_ARGS : []), 'src/server.ts'];
  const child = spawn(process.execPath, args, {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines.filter((l) => l.length > 0));
    };
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // Generous: loading dd-trace through the loader hooks takes long on two busy cores.
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!stdout.some((l) => l.includes('Server listening'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not start:\n${[...stdout, ...stderr].join('\n').slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stdout,
    stderr,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
