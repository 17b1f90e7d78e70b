// What every benchmark shares: a sandbox started as `pnpm sandbox` starts it (node src/main.ts,
// its own process, free ports, a fresh data folder), its CPU and memory read from /proc, and the
// JSON result written to bench-results/<name>.json.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
export const KEYS = { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' };

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

export interface SandboxProcess {
  readonly pid: number;
  readonly apiUrl: string;
  readonly traceUrl: string;
  readonly dogstatsdPort: number;
  /** GET a JSON document of the sandbox API (keys sent). */
  get<T = unknown>(path: string): Promise<T>;
  /** POST a JSON body to the sandbox API (keys sent); the parsed answer. */
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** Resident memory of the sandbox process, in MB. */
  rssMb(): number;
  /** CPU seconds (user + system) the sandbox process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts `node src/main.ts` as `pnpm sandbox` does, on free ports, and waits until it answers. */
export async function startSandboxProcess(env: Record<string, string> = {}): Promise<SandboxProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-bench-'));
  const [api, traces, dogstatsd] = [await freeTcpPort(), await freeTcpPort(), await freeUdpPort()];
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@dd-challenge/source', 'src/main.ts'], {
    cwd: PACKAGE,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      SANDBOX_PORT: String(api),
      DD_TRACE_AGENT_PORT: String(traces),
      DD_DOGSTATSD_PORT: String(dogstatsd),
      SANDBOX_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  const pid = child.pid as number;
  const apiUrl = `http://127.0.0.1:${api}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const answer = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { ...KEYS, 'content-type': 'application/json', ...init.headers },
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the sandbox exited with ${child.exitCode} before answering`);
    if (
      await fetch(`${apiUrl}/sandbox/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() - started > 30_000) throw new Error('the sandbox did not answer within 30 s');
    await sleep(100);
  }
  const procField = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8');
  return {
    pid,
    apiUrl,
    traceUrl: `http://127.0.0.1:${traces}`,
    dogstatsdPort: dogstatsd,
    get: (path) => answer(path),
    post: (path, body) => answer(path, { method: 'POST', body: JSON.stringify(body ?? {}) }),
    rssMb() {
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(procField('status'))?.[1]);
      return round(kb / 1024);
    },
    cpuSeconds() {
      // Fields 14 and 15 of /proc/PID/stat (after the command name in parentheses): utime, stime in ticks.
      const fields = procField('stat').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Writes bench-results/<name>.json with the machine's facts beside the figures, and prints it. */
export function report(name: string, figures: Record<string, unknown>): void {
  const result = {
    benchmark: name,
    command: `pnpm --filter @dd-challenge/sandbox bench (bench/${name}.ts)`,
    ...figures,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    load_average_at_end: loadavg().map((l) => round(l, 2)),
    at: new Date().toISOString(),
  };
  mkdirSync(join(PACKAGE, 'bench-results'), { recursive: true });
  writeFileSync(join(PACKAGE, 'bench-results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}
