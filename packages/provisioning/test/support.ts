import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type Config, loadConfig, type Target } from '@dd-challenge/config';
import { type Sandbox, startSandbox } from '@dd-challenge/sandbox';
import { runCli } from '../src/cli.ts';
import type { HttpOptions } from '../src/http.ts';

/** Settings every test run uses: quiet, a fixed zone and handle, the sandbox's own keys. */
export const TEST_ENV = {
  LOG_LEVEL: 'silent',
  DOWNTIME_TIMEZONE: 'Europe/Paris',
  NOTIFY_HANDLE: '@oncall@example.com',
  DD_HOSTNAME: 'test-host',
} as const;

export interface TestSandbox {
  readonly sandbox: Sandbox;
  readonly config: Config;
  readonly target: Target;
  close(): Promise<void>;
}

/** The real sandbox on free ports with a throw-away data folder. */
export async function startTestSandbox(): Promise<TestSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisioning-sandbox-'));
  const config = loadConfig({ env: { ...TEST_ENV, SANDBOX_DATA_DIR: dataDir }, envFile: false });
  const sandbox = await startSandbox({ config, dataDir, ports: { api: 0, dogstatsd: 0, traces: 0 } });
  const target: Target = {
    name: 'sandbox',
    apiUrl: sandbox.apiUrl,
    appUrl: sandbox.apiUrl,
    apiKey: config.sandbox.apiKey,
    appKey: config.sandbox.appKey,
  };
  return {
    sandbox,
    config,
    target,
    async close() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the proxy does with the n-th request (1-based). */
export type ProxyAction =
  | { readonly kind: 'forward' }
  | { readonly kind: 'answer'; readonly status: number; readonly headers?: Record<string, string> }
  | { readonly kind: 'drop' }
  /** Forward, let the target act, then run `afterward` before the answer goes back (a kill lands here). */
  | { readonly kind: 'forward-then'; readonly afterward: () => void };

/**
 * An HTTP proxy in front of the sandbox that counts requests and, by a script, answers in the
 * sandbox's place (429, 500...) or drops the connection: faults injected on the real wire.
 */
export class FaultProxy {
  count = 0;
  readonly log: Array<{ n: number; method: string; path: string; action: ProxyAction['kind'] }> = [];
  script: (n: number, req: IncomingMessage) => ProxyAction = () => ({ kind: 'forward' });
  readonly #server: Server;
  readonly #upstream: string;

  private constructor(upstream: string, server: Server) {
    this.#upstream = upstream;
    this.#server = server;
  }

  static async start(upstream: string): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(upstream, server);
    server.on('request', (req, res) => void proxy.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.count = 0;
    this.log.length = 0;
    this.script = () => ({ kind: 'forward' });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const n = ++this.count;
    const action = this.script(n, req);
    this.log.push({
      n,
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      action: action.kind,
    });
    if (action.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'answer') {
      res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
      res.end(JSON.stringify({ errors: [`injected ${action.status}`] }));
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(k))
        headers.set(k, v);
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const upstream = await fetch(`${this.#upstream}${req.url}`, { method: req.method, headers, body });
    const bytes = Buffer.from(await upstream.arrayBuffer());
    if (action.kind === 'forward-then') action.afterward();
    if (res.destroyed || req.socket.destroyed) return;
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(bytes);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Runs the CLI in this process against `url`, capturing its output. */
export async function cli(argv: string[], url: string, http?: HttpOptions, env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await runCli(argv, {
    stdout,
    stderr,
    env: { ...TEST_ENV, SANDBOX_URL: url, ...env },
    envFile: false,
    http,
  });
  return { code, out, err, json: () => JSON.parse(out) };
}
