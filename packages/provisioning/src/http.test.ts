import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { client } from '@datadog/datadog-api-client';
import { Secret, type Target } from '@dd-challenge/config';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from './client.ts';
import { isTransient } from './errors.ts';
import type { RequestEvent } from './http.ts';

/** A stand-in that answers from a script of failures, then with an empty monitor list. */
type Step = (req: IncomingMessage, res: ServerResponse) => void;
let script: Step[] = [];
let seen: Array<{ method: string; url: string; apiKey: string | undefined }> = [];
let inFlight = 0;
let maxInFlight = 0;
let server: Server;
let target: Target;

const ok: Step = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('[]');
};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      apiKey: req.headers['dd-api-key'] as string | undefined,
    });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    req.resume();
    req.on('end', () => setTimeout(() => (script.shift() ?? ok)(req, res), 20));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  target = {
    name: 'sandbox',
    apiUrl: url,
    appUrl: url,
    apiKey: new Secret('api-key-1'),
    appKey: new Secret('app-key-1'),
  };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
  maxInFlight = 0;
});

function recorder() {
  const waits: number[] = [];
  const events: RequestEvent[] = [];
  return {
    waits,
    events,
    options: {
      sleep: async (ms: number) => void waits.push(ms),
      onEvent: (e: RequestEvent) => void events.push(e),
      random: () => 0.5,
      policy: { baseDelayMs: 100 },
    },
  };
}

const status =
  (code: number, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ errors: [`injected ${code}`] }));
  };
const reset: Step = (req) => req.socket.destroy();

describe('the transport under the official client', () => {
  it('waits out a 429 for X-RateLimit-Reset seconds, then succeeds', async () => {
    script = [status(429, { 'x-ratelimit-reset': '2' })];
    const r = recorder();
    const api = createApi(target, r.options);
    expect(await api.monitors.listMonitors({ monitorTags: 'managed-by:dd-challenge' })).toEqual([]);
    expect(r.waits).toEqual([2050]);
    expect(seen).toHaveLength(2);
    expect(r.events.map((e) => e.status)).toEqual([429, 200]);
  });

  it('retries 500s and a connection reset on a GET with growing jittered waits', async () => {
    script = [status(500), reset, status(503)];
    const r = recorder();
    const api = createApi(target, r.options);
    await api.monitors.listMonitors({});
    expect(r.waits).toEqual([50, 100, 200]);
    expect(api.http.requests).toBe(4);
  });

  it("gives up after maxAttempts with the API's own error", async () => {
    script = Array(10).fill(status(500));
    const r = recorder();
    const api = createApi(target, { ...r.options, policy: { ...r.options.policy, maxAttempts: 3 } });
    const error = await api.monitors.listMonitors({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.ApiException);
    expect((error as client.ApiException<unknown>).code).toBe(500);
    expect(isTransient(error)).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('does not resend a create after a 500 (it may have been applied)', async () => {
    script = [status(500)];
    const api = createApi(target, recorder().options);
    const error = await api.monitors
      .createMonitor({ body: { type: 'metric alert', query: 'avg(last_5m):avg:m{*} > 1' } })
      .catch((e: unknown) => e);
    expect((error as client.ApiException<unknown>).code).toBe(500);
    expect(seen.map((s) => s.method)).toEqual(['POST']);
  });

  it('sends the keys in headers only, never in the URL', async () => {
    const api = createApi(target, recorder().options);
    await api.monitors.listMonitors({ monitorTags: 'managed-by:dd-challenge' });
    expect(seen[0]?.apiKey).toBe('api-key-1');
    expect(seen[0]?.url).not.toMatch(/key/i);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const api = createApi(target, { policy: { concurrency: 2 } });
    await Promise.all(Array.from({ length: 8 }, () => api.monitors.listMonitors({})));
    expect(seen).toHaveLength(8);
    expect(maxInFlight).toBe(2);
  });

  it('times an attempt out and retries it', async () => {
    script = [() => {}]; // never answers
    const r = recorder();
    const api = createApi(target, { ...r.options, policy: { ...r.options.policy, timeoutMs: 300 } });
    await api.monitors.listMonitors({});
    expect(r.events[0]?.error).toBe('ETIMEDOUT');
    expect(seen).toHaveLength(2);
  });
});
