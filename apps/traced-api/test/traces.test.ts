import { startEmbeddedPostgres } from '@dd-challenge/dev-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from './support/app-process.ts';
import { type Span, startTraceIntake, type TraceIntake } from './support/trace-intake.ts';

// The app runs as `pnpm dev` runs it (preload + dd-trace/initialize.mjs + type stripping),
// sending to an in-test trace agent; everything below is read off the wire.
describe('traces from the running app', () => {
  let intake: TraceIntake;
  let app: AppProcess;
  let closeDb: () => Promise<void>;
  const tags = { DD_ENV: 'trace-test', DD_SERVICE: 'traced-api-under-test', DD_VERSION: '9.8.7' };

  beforeAll(async () => {
    const db = await startEmbeddedPostgres({ port: 0 });
    closeDb = db.close;
    intake = await startTraceIntake();
    app = await startAppProcess({
      traced: true,
      env: {
        ...tags,
        DATABASE_URL: db.url,
        DD_TRACE_AGENT_URL: intake.url,
        DD_TRACE_FLUSH_INTERVAL: '100',
        DD_TRACE_STARTUP_LOGS: 'true',
        DD_RUNTIME_METRICS_FLUSH_INTERVAL: '500',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await intake?.close();
    await closeDb?.();
  });

  const request = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${app.url}${path}`, init);
    return { status: res.status, body: await res.text() };
  };
  const root = (spans: Span[], resource: string) =>
    spans.find((s) => s.name === 'fastify.request' && s.resource === resource);
  const childrenOf = (spans: Span[], parent: Span) =>
    spans.filter((s) => s.trace_id === parent.trace_id && s.parent_id === parent.span_id);

  it('sends one fastify.request span per request with route, status and unified service tags', async () => {
    expect(await request('/api/apm')).toEqual({ status: 200, body: 'Getting APM Started' });
    expect(await request('/api/apm')).toEqual({ status: 200, body: 'Getting APM Started' });
    const spans = await intake.waitFor(
      (all) => all.filter((s) => s.name === 'fastify.request' && s.resource === 'GET /api/apm').length >= 2,
    );
    const apm = spans.filter((s) => s.resource === 'GET /api/apm');
    expect(apm).toHaveLength(2);
    for (const span of apm) {
      expect(span).toMatchObject({
        name: 'fastify.request',
        service: tags.DD_SERVICE,
        type: 'web',
        error: 0,
      });
      expect(span.parent_id).toBe(0n);
      expect(typeof span.trace_id).toBe('bigint');
      expect(span.meta).toMatchObject({
        'http.route': '/api/apm',
        'http.status_code': '200',
        'http.method': 'GET',
        'span.kind': 'server',
        component: 'fastify',
        env: tags.DD_ENV,
        version: tags.DD_VERSION,
      });
    }
    expect(apm[0]?.span_id).not.toBe(apm[1]?.span_id);
  });

  it('puts a pg.query span with the SQL as resource under the database routes', async () => {
    const created = await request('/api/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'traced', body: 'note' }),
    });
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.body) as { id: number };
    expect((await request(`/api/notes/${id}`)).status).toBe(200);

    const spans = await intake.waitFor((all) => {
      const get = root(all, 'GET /api/notes/:id');
      return get !== undefined && childrenOf(all, get).some((s) => s.name === 'pg.query');
    });
    const get = root(spans, 'GET /api/notes/:id') as Span;
    expect(get.meta['http.route']).toBe('/api/notes/:id');
    const query = childrenOf(spans, get).find((s) => s.name === 'pg.query') as Span;
    expect(query.resource).toBe('SELECT id, title, body, created_at FROM notes WHERE id = $1');
    expect(query).toMatchObject({ type: 'sql', service: `${tags.DD_SERVICE}-postgres` });
    expect(query.meta).toMatchObject({ 'db.type': 'postgres', 'span.kind': 'client', env: tags.DD_ENV });

    const post = root(spans, 'POST /api/notes') as Span;
    expect(post.meta['http.status_code']).toBe('201');
    expect(childrenOf(spans, post).map((s) => s.resource)).toContain(
      'INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, title, body, created_at',
    );
  });

  it('records the manual span and its tag under GET /api/trace', async () => {
    expect(await request('/api/trace')).toEqual({ status: 200, body: 'Posting Traces' });
    const spans = await intake.waitFor((all) => all.some((s) => s.name === 'posting.traces'));
    const manual = spans.find((s) => s.name === 'posting.traces') as Span;
    const parent = root(spans, 'GET /api/trace') as Span;
    expect(manual.parent_id).toBe(parent.span_id);
    expect(manual.trace_id).toBe(parent.trace_id);
    expect(manual.meta['challenge.step']).toBe('manual-span');
    expect(manual).toMatchObject({ service: tags.DD_SERVICE, resource: 'GET /api/trace' });
    expect(manual.meta).toMatchObject({ env: tags.DD_ENV, version: tags.DD_VERSION });
  });

  it('writes the request log line with the trace and span ids of its span', async () => {
    await request('/api/apm?logged=1');
    const spans = await intake.waitFor((all) =>
      all.some((s) => s.resource === 'GET /api/apm' && s.meta['http.url']?.includes('logged=1')),
    );
    const span = spans.find((s) => s.meta['http.url']?.includes('logged=1')) as Span;
    const line = app.stdout
      .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string }; dd?: Record<string, string> })
      .find((l) => l.msg?.startsWith('GET /api/apm?logged=1 200 ') && l.req?.url === '/api/apm?logged=1');
    expect(line?.dd).toMatchObject({ service: tags.DD_SERVICE, env: tags.DD_ENV, version: tags.DD_VERSION });
    // 128-bit trace ids: the log carries 32 hex digits, the span the low 64 bits plus _dd.p.tid.
    const traceId = line?.dd?.trace_id ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(BigInt(`0x${traceId.slice(16)}`)).toBe(span.trace_id);
    expect(traceId.slice(0, 16)).toBe(span.meta['_dd.p.tid']);
    expect(line?.dd?.span_id).toBe(span.span_id.toString());
  });

  it('leaves /healthz and /readyz out of traces', async () => {
    expect((await request('/healthz')).status).toBe(200);
    expect((await request('/readyz')).status).toBe(200);
    // A later traced request proves the intake is up to date before looking for the probes.
    await request('/');
    const spans = await intake.waitFor((all) => all.some((s) => s.resource === 'GET /'));
    expect(spans.filter((s) => /healthz|readyz/.test(`${s.resource} ${s.meta['http.url'] ?? ''}`))).toEqual(
      [],
    );
    expect(spans.filter((s) => s.resource === 'SELECT 1' && s.parent_id !== 0n)).toEqual([]);
  });

  it('loads the fastify, pg and pino integrations (startup log) and every span carries env', async () => {
    const deadline = Date.now() + 10_000;
    const loaded = () => [...app.stdout, ...app.stderr].find((l) => l.includes('INTEGRATIONS LOADED'));
    while (!loaded() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(loaded()).toMatch(/"fastify".*"pg"|"pg".*"fastify"/);
    expect(loaded()).toContain('"pino"');
    for (const span of intake.spans()) {
      expect(span.meta.env).toBe(tags.DD_ENV);
      expect(span.service.startsWith(tags.DD_SERVICE)).toBe(true);
    }
  });

  it('sends runtime metrics tagged with the service', async () => {
    const deadline = Date.now() + 15_000;
    const heap = () => intake.metricLines().find((l) => l.startsWith('runtime.node.mem.heap_used:'));
    while (!heap() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(heap()).toMatch(/\|g\|#.*service:traced-api-under-test/);
    expect(heap()).toContain(`env:${tags.DD_ENV}`);
  });

  it('shuts down gracefully on SIGTERM (exit code 0)', async () => {
    expect(await app.stop()).toBe(0);
    expect(app.stdout.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
