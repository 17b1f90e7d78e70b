import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening } from './ports.ts';
import { eventually, SandboxApi } from './sandbox-api.ts';
import { type Stack, startStack } from './stack.ts';

// The whole demo, started as `pnpm dev` starts it (turbo run dev), then checked through the
// sandbox's own APIs: every challenge part must show up within a bounded time.
const WAIT = 90_000;

interface Trace {
  trace_id: string;
  services: string[];
  root?: { name: string; resource: string };
}
interface Span {
  name: string;
  service: string;
  resource: string;
}

describe('the whole stack, as pnpm dev starts it', () => {
  let stack: Stack;
  let api: SandboxApi;

  beforeAll(async () => {
    stack = await startStack();
    api = new SandboxApi(stack.sandboxUrl);
    await eventually(
      'the sandbox API',
      async () => ((await api.get('/sandbox/health')).status === 200 ? true : undefined),
      WAIT,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- stack output ---\n${stack.output().slice(-6000)}`);
    });
  });

  afterAll(async () => {
    const ports = stack?.ports;
    await stack?.stop();
    // Nothing left running: every TCP port of the stack is free again.
    if (ports)
      for (const port of [ports.sandbox, ports.traces, ports.api, ports.postgres])
        expect(await isListening(port)).toBe(false);
  });

  it('stores my_metric points from the emitter, within 0..1000', async () => {
    const points = await eventually(
      'my_metric points',
      async () => {
        const p = await api.points('avg:my_metric{*}');
        return p.length > 0 ? p : undefined;
      },
      WAIT,
    );
    for (const v of points) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps traces of traced-api with pg spans under them', async () => {
    const spans = await eventually(
      'a traced-api trace with a pg span',
      async () => {
        const { body } = await api.get<{ traces: Trace[] }>('/sandbox/traces?service=traced-api&limit=200');
        for (const t of body.traces.filter((x) => x.services.length > 1)) {
          const { body: full } = await api.get<{ spans: Span[] }>(`/sandbox/traces/${t.trace_id}`);
          if (full.spans.some((s) => s.name === 'pg.query')) return full.spans;
        }
        return undefined;
      },
      WAIT,
    );
    const web = spans.find((s) => s.name === 'fastify.request');
    expect(web?.service).toBe('traced-api');
    expect(web?.resource).toMatch(/^(GET|POST|DELETE) \/api\/notes/);
    expect(spans.find((s) => s.name === 'pg.query')?.resource).toMatch(/notes/i);
  });

  it('derives trace metrics from the spans', async () => {
    const hits = await eventually(
      'trace.fastify.request.hits',
      async () => {
        const p = await api.points('sum:trace.fastify.request.hits{service:traced-api}.as_count()');
        return p.some((v) => v > 0) ? p : undefined;
      },
      WAIT,
    );
    expect(hits.some((v) => v > 0)).toBe(true);
  });

  it('collects postgresql.rows_* from the postgres check', async () => {
    await eventually(
      'postgresql.rows_fetched above zero',
      async () =>
        (await api.points('sum:postgresql.rows_fetched{*}')).some((v) => v > 0) ? true : undefined,
      WAIT,
    );
  });

  it('has the dashboards, the monitor and the downtimes provisioned, and the monitor evaluated', async () => {
    const dashboards = await eventually(
      'the two dashboards',
      async () => {
        const { body } = await api.get<{ dashboards: { title: string }[] }>('/api/v1/dashboard');
        return body.dashboards.length >= 2 ? body.dashboards : undefined;
      },
      WAIT,
    );
    expect(dashboards.map((d) => d.title).join('|')).toMatch(/my_metric/);

    const monitor = await eventually(
      'the monitor with an evaluated state',
      async () => {
        const { body } = await api.get<{ id: number; name: string; query: string; overall_state: string }[]>(
          '/api/v1/monitor?monitor_tags=managed-by:dd-challenge',
        );
        const m = body.find((x) => x.query.includes('my_metric'));
        if (!m) return undefined;
        // Evaluated means the engine ran a cycle over it (a state may stay OK, with no transition).
        const { body: history } = await api.get<{
          evaluated_at: number | null;
          evaluation_error: string | null;
        }>(`/sandbox/monitors/${m.id}/history`);
        if (history.evaluation_error) throw new Error(`evaluation error: ${history.evaluation_error}`);
        return history.evaluated_at !== null ? m : undefined;
      },
      WAIT,
    );
    expect(monitor.query).toBe('avg(last_5m):avg:my_metric{*} by {host} > 800');
    expect(['OK', 'Warn', 'Alert', 'No Data']).toContain(monitor.overall_state);

    const { body: downtimes } = await api.get<{
      data: { attributes: { schedule: { recurrences?: { rrule: string }[] } } }[];
    }>('/api/v2/downtime');
    const rrules = downtimes.data.flatMap((d) => d.attributes.schedule.recurrences ?? []).map((r) => r.rrule);
    expect(rrules.length).toBeGreaterThanOrEqual(2);
  });

  it('renders a graph snapshot that can be fetched as a PNG', async () => {
    const end = Math.floor(Date.now() / 1000);
    const { status, body } = await api.get<{ snapshot_url: string }>(
      `/api/v1/graph/snapshot?metric_query=${encodeURIComponent('avg:my_metric{*}')}&start=${end - 300}&end=${end}`,
    );
    expect(status).toBe(200);
    const url = new URL(body.snapshot_url, stack.sandboxUrl);
    const png = await fetch(url);
    expect(png.status).toBe(200);
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  });

  it('answers on the traced app as the challenge asks', async () => {
    const res = await fetch(`${stack.apiUrl}/api/apm`);
    expect(await res.text()).toBe('Getting APM Started');
  });
});
