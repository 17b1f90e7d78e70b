import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSandbox, until } from './helpers.ts';

interface Printed {
  n: number;
  trace_id: string;
  span_id: string;
  trace_id_128: string;
  error: boolean;
}

const CHILD = fileURLToPath(new URL('./fixtures/traced-child.mjs', import.meta.url));

/** The traced app with these extra environment variables; what it prints goes to `printed`. */
function tracedChild(env: Record<string, string>, printed: Printed[]): ChildProcess {
  const child = spawn(process.execPath, [CHILD], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DD_REMOTE_CONFIGURATION_ENABLED: 'false',
      DD_TRACE_STARTUP_LOGS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) =>
    printed.push(JSON.parse(line) as Printed),
  );
  return child;
}

describe('trace intake with dd-trace in a child process', () => {
  let t: Awaited<ReturnType<typeof testSandbox>>;
  let child: ChildProcess;
  let child05: ChildProcess;
  const printed: Printed[] = [];
  const printed05: Printed[] = [];
  let exited = false;
  // Between the v0.5 child and the sandbox: records the paths it asks for.
  let proxy: Server;
  const paths05 = new Set<string>();

  beforeAll(async () => {
    t = await testSandbox();
    child = tracedChild(
      { DD_TRACE_AGENT_URL: t.sandbox.traceUrl, DD_DOGSTATSD_PORT: String(t.sandbox.dogstatsd.port) },
      printed,
    );
    child.on('exit', () => {
      exited = true;
    });
    proxy = createServer((req, res) => {
      paths05.add((req.url ?? '').split('?')[0] as string);
      const upstream = request(`${t.sandbox.traceUrl}${req.url}`, {
        method: req.method,
        headers: req.headers,
      });
      upstream.on('response', (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    child05 = tracedChild(
      {
        DD_TRACE_AGENT_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        DD_TRACE_AGENT_PROTOCOL_VERSION: '0.5',
        FIXTURE_SERVICE: 'fixture-v05',
      },
      printed05,
    );
    const arrived = (list: Printed[]) =>
      list.length >= 6 && t.ctx.traces.get((list[5] as Printed).trace_id) !== undefined;
    await until(() => arrived(printed) && arrived(printed05), 30_000, 'traces from dd-trace');
  }, 60_000);
  afterAll(async () => {
    child?.kill('SIGTERM');
    child05?.kill('SIGTERM');
    proxy?.close();
    await t?.close();
  });

  it('keeps the spans with their exact 64-bit ids and tags', () => {
    const p = printed[0] as Printed;
    const trace = t.ctx.traces.get(p.trace_id);
    expect(trace).toBeDefined();
    const root = trace?.spans.find((s) => s.parent_id === '0');
    expect(root).toMatchObject({
      trace_id: p.trace_id,
      span_id: p.span_id,
      name: 'web.request',
      service: 'fixture-app',
      resource: 'GET /items/:id',
      type: 'web',
    });
    expect(root?.meta.env).toBe('test');
    const child = trace?.spans.find((s) => s.name === 'pg.query');
    expect(child).toMatchObject({
      parent_id: p.span_id,
      service: 'fixture-app-postgres',
      resource: 'SELECT 1',
    });
    expect(child?.meta['db.name']).toBe('app');
    // Ids above 2^53 survive (a float would round them).
    expect(printed.some((x) => BigInt(x.trace_id) > 2n ** 53n)).toBe(true);
    const errored = printed.find((x) => x.error) as Printed;
    expect(t.ctx.traces.get(errored.trace_id)?.spans.find((s) => s.parent_id === '0')?.error).toBe(1);
  });

  it('keeps the spans dd-trace sends in v0.5 (string table) just as those in v0.4', () => {
    expect(paths05.has('/v0.5/traces')).toBe(true);
    expect(paths05.has('/v0.4/traces')).toBe(false);
    const p = printed05.find((x) => BigInt(x.trace_id) > 2n ** 53n) as Printed;
    const trace = t.ctx.traces.get(p.trace_id);
    const root = trace?.spans.find((s) => s.parent_id === '0');
    expect(root).toMatchObject({
      trace_id: p.trace_id,
      span_id: p.span_id,
      name: 'web.request',
      service: 'fixture-v05',
      resource: 'GET /items/:id',
      type: 'web',
    });
    expect(root?.meta.env).toBe('test');
    expect(root?.meta['http.status_code']).toBe(p.error ? '500' : '200');
    expect(trace?.spans.find((s) => s.name === 'pg.query')).toMatchObject({
      parent_id: p.span_id,
      service: 'fixture-v05-postgres',
      resource: 'SELECT 1',
      type: 'sql',
      meta: expect.objectContaining({ 'db.name': 'app' }),
    });
  });

  it('finds traces by 128-bit id, service, resource and error over HTTP', async () => {
    const p = printed[1] as Printed;
    const one = await fetch(`${t.sandbox.apiUrl}/sandbox/traces/${p.trace_id_128}`);
    expect(one.status).toBe(200);
    const body = (await one.json()) as { trace_id: string; spans: Array<{ span_id: string }> };
    expect(body.trace_id).toBe(p.trace_id);
    expect(body.spans.map((s) => s.span_id)).toContain(p.span_id);
    const list = await fetch(
      `${t.sandbox.apiUrl}/sandbox/traces?service=fixture-app&resource=${encodeURIComponent('GET /items/:id')}&error=true`,
    );
    const found = (await list.json()) as { traces: Array<{ trace_id: string; error: boolean }> };
    expect(found.traces.length).toBeGreaterThan(0);
    expect(found.traces.every((x) => x.error)).toBe(true);
    expect((await fetch(`${t.sandbox.apiUrl}/sandbox/traces/123`)).status).toBe(404);
  });

  it('derives the trace metrics from top-level spans', () => {
    t.ctx.agent.flush();
    const now = Math.floor(Date.now() / 1000);
    // Only the v0.4 child's series: the v0.5 child (another service) sends the same span names.
    const hits = [...t.ctx.metrics.series('trace.web.request.hits', now - 120, now + 10)].filter((s) =>
      s.tags.includes('service:fixture-app'),
    );
    const ok = hits.find((s) => s.tags.includes('http.status_code:200'));
    expect(ok?.tags).toEqual(
      expect.arrayContaining([
        'env:test',
        'service:fixture-app',
        'resource_name:GET /items/:id',
        'host:sandbox-test-host',
      ]),
    );
    expect(ok?.type).toBe('count');
    const total = hits.reduce((sum, s) => sum + Array.from(s.values).reduce((a, b) => a + b, 0), 0);
    expect(total).toBeGreaterThanOrEqual(6);
    const errors = [...t.ctx.metrics.series('trace.web.request.errors', now - 120, now + 10)];
    expect(errors.find((s) => s.tags.includes('http.status_code:500'))?.values[0]).toBeGreaterThan(0);
    // The pg.query child is in another service: top-level for its own service.
    expect([...t.ctx.metrics.series('trace.pg.query.hits', now - 120, now + 10)].length).toBeGreaterThan(0);
    const latency = t.ctx.metrics.distribution({
      metric: 'trace.web.request',
      from: now - 120,
      to: now + 10,
      groupOf: () => '*',
      stat: { quantile: 0.5 },
      bucketSeconds: 300,
    });
    expect(latency?.[0]?.values[0]).toBeGreaterThan(0);
    expect(latency?.[0]?.values[0]).toBeLessThan(1);
  });

  it('the app keeps working while the sandbox is down, and traces flow again after a restart', async () => {
    const port = t.sandbox.traceUrl.split(':').pop() as string;
    const dataDir = t.dataDir;
    await t.sandbox.close();
    const before = printed.length;
    await until(() => printed.length >= before + 10, 10_000, 'the app to keep going');
    expect(exited).toBe(false);
    t = await testSandbox({ dataDir, traces: Number(port) });
    const mark = printed.length;
    await until(
      () => printed.slice(mark).some((p) => t.ctx.traces.get(p.trace_id) !== undefined),
      30_000,
      'traces after the restart',
    );
    expect(exited).toBe(false);
  }, 60_000);
});
