/**
 * Demo data for the console's pictures (docs:screenshots) and a starting point for its tests:
 * metric history submitted through the official MetricsApi, traces sent to the trace intake as
 * dd-trace sends them (msgpack v0.4), on a ManualClock the caller drives.
 */
import { client, v2 } from '@datadog/datadog-api-client';
import { Encoder } from '@msgpack/msgpack';
import type { ManualClock } from '../clock.ts';
import type { Sandbox } from '../sandbox.ts';

const MINUTE = 60_000;

/** The official client pointed at a sandbox with its local keys. */
export function sandboxClient(sandbox: Sandbox): client.Configuration {
  const { apiKey, appKey } = sandbox.context.config.sandbox;
  return client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(sandbox.apiUrl, {}),
    authMethods: { apiKeyAuth: apiKey.reveal(), appKeyAuth: appKey.reveal() },
    enableRetry: false,
  });
}

/** A deterministic pseudo-random generator (mulberry32): the same pictures and the same test inputs every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeriesSpec {
  metric: string;
  /** Value at a UNIX second. */
  value: (t: number) => number;
  tags?: string[];
}

/** Submits gauges every `stepS` seconds over [fromS, toS] through v2 MetricsApi, in chunks. */
export async function submitHistory(
  sandbox: Sandbox,
  host: string,
  specs: SeriesSpec[],
  fromS: number,
  toS: number,
  stepS = 60,
): Promise<number> {
  const api = new v2.MetricsApi(sandboxClient(sandbox));
  let count = 0;
  for (const spec of specs) {
    const points = [];
    for (let t = fromS; t <= toS; t += stepS) {
      const value = spec.value(t);
      if (Number.isFinite(value)) points.push({ timestamp: t, value });
    }
    count += points.length;
    await api.submitMetrics({
      body: {
        series: [
          {
            metric: spec.metric,
            type: 3,
            points,
            tags: spec.tags ?? [],
            resources: [{ name: host, type: 'host' }],
          },
        ],
      },
    });
  }
  return count;
}

/** my_metric, PostgreSQL rows (a burst in the last hour), host CPU/memory/load, over the past day. */
export async function submitDemoMetrics(sandbox: Sandbox, host: string, endS: number): Promise<number> {
  const rnd = random(7);
  const noise = (scale: number) => (rnd() - 0.5) * 2 * scale;
  const burst = (t: number) => (t > endS - 40 * 60 && t < endS - 28 * 60 ? 5 : 1);
  const day = endS - 23 * 3600;
  const recent = endS - 6 * 3600;
  // my_metric as the emitter sends it, every 15 s: a slow wave with noise whose 5-minute average
  // crosses 500 (warn) and 800 (alert) at the peaks.
  const myMetric = (t: number) =>
    Math.max(0, Math.min(1000, 470 + 330 * Math.sin((2 * Math.PI * t) / 10_800) + noise(180)));
  let n = await submitHistory(
    sandbox,
    host,
    [{ metric: 'my_metric', value: myMetric, tags: ['service:metric-emitter', 'env:dev'] }],
    day,
    endS,
    15,
  );
  n += await submitHistory(
    sandbox,
    host,
    [
      {
        metric: 'postgresql.rows_fetched',
        value: (t) => (140 + 40 * Math.sin(t / 5000) + noise(15)) * burst(t),
        tags: ['db:postgres'],
      },
      {
        metric: 'postgresql.rows_returned',
        value: (t) => (260 + 60 * Math.sin(t / 5000) + noise(25)) * burst(t),
        tags: ['db:postgres'],
      },
      {
        metric: 'postgresql.rows_inserted',
        value: (t) => Math.max(0, (6 + noise(2)) * burst(t)),
        tags: ['db:postgres'],
      },
      { metric: 'postgresql.rows_updated', value: () => Math.max(0, 2 + noise(1)), tags: ['db:postgres'] },
      {
        metric: 'postgresql.rows_deleted',
        value: (t) => Math.max(0, (0.8 + noise(0.5)) * burst(t)),
        tags: ['db:postgres'],
      },
    ],
    day,
    endS,
  );
  n += await submitHistory(
    sandbox,
    host,
    [
      {
        metric: 'system.cpu.user',
        value: (t) => 18 + 8 * Math.sin(t / 1800) + noise(3) + (burst(t) > 1 ? 25 : 0),
      },
      { metric: 'system.cpu.system', value: () => 5 + noise(1.5) },
      { metric: 'system.cpu.iowait', value: (t) => 1 + noise(0.6) + (burst(t) > 1 ? 4 : 0) },
      { metric: 'system.mem.used', value: (t) => 3100 + 200 * Math.sin(t / 2400) + noise(50) },
      { metric: 'system.mem.usable', value: (t) => 4600 - 200 * Math.sin(t / 2400) + noise(50) },
      {
        metric: 'system.load.1',
        value: (t) => Math.max(0, 0.9 + 0.4 * Math.sin(t / 900) + noise(0.3) + (burst(t) > 1 ? 1.5 : 0)),
      },
      { metric: 'system.load.5', value: (t) => 0.9 + 0.3 * Math.sin(t / 1500) + noise(0.1) },
      { metric: 'system.load.15', value: (t) => 0.85 + 0.2 * Math.sin(t / 3000) + noise(0.05) },
      {
        metric: 'postgresql.connections',
        value: (t) => Math.round(7 + 3 * Math.sin(t / 2000) + noise(1.5) + (burst(t) > 1 ? 8 : 0)),
      },
    ],
    recent,
    endS,
  );
  return n;
}

export interface DemoSpan {
  trace_id: bigint;
  span_id: bigint;
  parent_id: bigint;
  name: string;
  service: string;
  resource: string;
  type: string;
  start: bigint;
  duration: bigint;
  error: number;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

function id(rnd: () => number): bigint {
  return (BigInt(Math.floor(rnd() * 2 ** 31)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
}

const ROUTES = [
  { method: 'GET', route: '/', weight: 3, sql: undefined },
  { method: 'GET', route: '/api/apm', weight: 2, sql: undefined },
  { method: 'GET', route: '/api/trace', weight: 2, sql: undefined },
  {
    method: 'GET',
    route: '/api/notes',
    weight: 5,
    sql: 'SELECT id, title, body, created_at FROM notes ORDER BY id DESC LIMIT $1 OFFSET $2',
  },
  {
    method: 'POST',
    route: '/api/notes',
    weight: 2,
    sql: 'INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, title, body, created_at',
  },
  {
    method: 'GET',
    route: '/api/notes/:id',
    weight: 3,
    sql: 'SELECT id, title, body, created_at FROM notes WHERE id = $1',
  },
];

/** One request's trace as dd-trace's fastify and pg integrations shape it. */
export function demoTrace(rnd: () => number, atMs: number, service: string, env: string): DemoSpan[] {
  const total = ROUTES.reduce((n, r) => n + r.weight, 0);
  let pick = rnd() * total;
  const route =
    ROUTES.find((r) => {
      pick -= r.weight;
      return pick < 0;
    }) ?? (ROUTES[0] as (typeof ROUTES)[number]);
  const traceId = id(rnd);
  const rootId = id(rnd);
  const error = route.route === '/api/notes/:id' && rnd() < 0.12;
  const start = BigInt(atMs) * 1_000_000n + BigInt(Math.floor(rnd() * 1e9));
  const dbMs = route.sql ? 1 + rnd() * 6 + (rnd() < 0.05 ? 30 : 0) : 0;
  const totalMs = 0.6 + rnd() * 2.5 + dbMs * (route.route === '/api/notes' ? 2 : 1) + 0.4;
  const status = error ? '500' : route.method === 'POST' ? '201' : '200';
  const resource = `${route.method} ${route.route}`;
  const common = { env, version: '1.0.0', 'runtime-id': 'a4c2-demo', language: 'javascript' };
  const spans: DemoSpan[] = [
    {
      trace_id: traceId,
      span_id: rootId,
      parent_id: 0n,
      name: 'fastify.request',
      service,
      resource,
      type: 'web',
      start,
      duration: BigInt(Math.round(totalMs * 1e6)),
      error: error ? 1 : 0,
      meta: {
        ...common,
        component: 'fastify',
        'span.kind': 'server',
        'http.method': route.method,
        'http.route': route.route,
        'http.url': `http://127.0.0.1:5050${route.route.replace(':id', String(1 + Math.floor(rnd() * 40)))}`,
        'http.status_code': status,
        ...(error ? { 'error.type': 'Error', 'error.message': 'connect ECONNREFUSED 127.0.0.1:5432' } : {}),
      },
      metrics: { _sampling_priority_v1: 1, '_dd.top_level': 1, '_dd.measured': 1 },
    },
  ];
  if (route.sql) {
    const queries = route.route === '/api/notes' ? 2 : 1;
    let offset = 300_000n;
    for (let i = 0; i < queries; i++) {
      const sql = i === 1 ? 'SELECT count(*) AS total FROM notes' : route.sql;
      const d = BigInt(Math.round(dbMs * 1e6));
      spans.push({
        trace_id: traceId,
        span_id: id(rnd),
        parent_id: rootId,
        name: 'pg.query',
        service: `${service}-postgres`,
        resource: sql,
        type: 'sql',
        start: start + offset,
        duration: d,
        error: error && i === 0 ? 1 : 0,
        meta: {
          ...common,
          component: 'pg',
          'span.kind': 'client',
          'db.type': 'postgres',
          'db.name': 'app',
          'db.user': 'app',
          'out.host': '127.0.0.1',
          'peer.service': 'postgres',
          ...(error && i === 0
            ? { 'error.type': 'Error', 'error.message': 'connect ECONNREFUSED 127.0.0.1:5432' }
            : {}),
        },
        metrics: { 'network.destination.port': 5432, '_dd.measured': 1 },
      });
      offset += d + 100_000n;
    }
  }
  return spans;
}

const encoder = new Encoder({ useBigInt64: true });

/** PUTs traces to the sandbox's trace intake as v0.4 msgpack, as dd-trace does. */
export async function sendTraces(traceUrl: string, traces: DemoSpan[][]): Promise<void> {
  const res = await fetch(`${traceUrl}/v0.4/traces`, {
    method: 'PUT',
    headers: { 'content-type': 'application/msgpack', 'x-datadog-trace-count': String(traces.length) },
    body: encoder.encode(traces),
  });
  if (!res.ok) throw new Error(`trace intake answered ${res.status}: ${await res.text()}`);
}

/** An hour of traced-api traffic, a minute at a time on the manual clock (trace metrics bucket by it). */
export async function sendDemoTraces(
  sandbox: Sandbox,
  clock: ManualClock,
  fromMs: number,
  toMs: number,
  perMinute = 8,
): Promise<number> {
  const rnd = random(11);
  const { service, env } = sandbox.context.config.service;
  let n = 0;
  for (let at = fromMs; at <= toMs; at += MINUTE) {
    clock.set(at);
    const batch = Array.from({ length: perMinute + Math.floor(rnd() * 4) }, () =>
      demoTrace(rnd, at, service, env),
    );
    await sendTraces(sandbox.traceUrl, batch);
    n += batch.length;
  }
  return n;
}
