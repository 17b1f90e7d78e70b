import { loadConfig } from '@dd-challenge/config';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@dd-challenge/dev-postgres';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createPool } from '../src/db/pool.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

interface Outcome {
  status: number;
  ms: number;
  id?: number;
  title: string;
  retryAfter?: string;
  contentType?: string;
}

// The database goes away under traffic: answers must be 201 or a quick 503, never a hang or a
// 500, and every note acknowledged with 201 must still be there once the database is back.
describe('database faults', () => {
  let db: EmbeddedPostgres;
  let proxy: TcpProxy;
  let app: FastifyInstance;
  let pool: ReturnType<typeof createPool>;
  let seq = 0;
  const logLines: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    // In memory: stop() is the outage (every connection dropped, the port refusing) and
    // restart() the recovery, without a data directory to initialise on busy cores.
    db = await startEmbeddedPostgres({ port: 0 });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: db.port });
    const config = loadConfig({
      env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/postgres` },
      envFile: false,
    });
    pool = createPool(config.database.url);
    const logs = {
      write: (line: string) => {
        logLines.push(JSON.parse(line) as { level: number; msg: string });
      },
    };
    app = buildApp(config, { pool }, { loggerInstance: pino({ level: 'debug' }, logs) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await proxy?.close();
    await db?.close();
  });

  async function post(): Promise<Outcome> {
    const title = `note-${++seq}`;
    const started = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/notes',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ title, body: 'fault test' }),
    });
    const ms = performance.now() - started;
    return {
      status: res.statusCode,
      ms,
      title,
      id: res.statusCode === 201 ? (res.json() as { id: number }).id : undefined,
      retryAfter: res.headers['retry-after'] as string | undefined,
      contentType: res.headers['content-type'] as string | undefined,
    };
  }

  /** `workers` clients posting notes back to back until `stop()` says so. */
  function traffic(workers: number) {
    const outcomes: Outcome[] = [];
    let running = true;
    const loops = Array.from({ length: workers }, async () => {
      while (running) outcomes.push(await post());
    });
    return {
      outcomes,
      async stop() {
        running = false;
        await Promise.all(loops);
        return outcomes;
      },
    };
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('answers 503 quickly while Postgres is stopped, recovers within 5 s, loses no acknowledged note', async () => {
    const load = traffic(4);
    await sleep(1000);
    const beforeStop = load.outcomes.length;
    await db.stop(); // mid-traffic
    await sleep(2500);
    const outcomes = await load.stop();

    const duringOutage = outcomes.slice(beforeStop);
    expect(outcomes.slice(0, beforeStop).some((o) => o.status === 201)).toBe(true);
    expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set([201, 503]));
    const unavailable = duringOutage.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(5);
    for (const o of unavailable) {
      expect(o.retryAfter).toBe('1');
      expect(o.contentType).toMatch(/^application\/problem\+json/);
    }
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(2000);
    // One warning for the outage, not one per 503: the rest are at debug.
    const said = (level: number) =>
      logLines.filter((l) => l.level === level && l.msg.startsWith('database unavailable')).length;
    expect(said(40)).toBe(1);
    expect(said(20)).toBe(unavailable.length - 1);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);

    await db.restart();
    const back = performance.now();
    let recovered: Outcome | undefined;
    while (performance.now() - back < 5000) {
      const o = await post();
      if (o.status === 201) {
        recovered = o;
        break;
      }
      await sleep(50);
    }
    expect(recovered, 'a 201 within 5 s of Postgres being back').toBeDefined();
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);

    const acked = [...outcomes, recovered as Outcome].filter((o) => o.status === 201);
    for (const o of acked) {
      const res = await app.inject({ url: `/api/notes/${o.id}` });
      expect(res.statusCode, `note ${o.id} acknowledged with 201`).toBe(200);
      expect(res.json()).toMatchObject({ id: o.id, title: o.title });
    }
  });

  it('answers 503 within 2 s when Postgres hangs (no replies at all), then recovers', async () => {
    expect((await post()).status).toBe(201);
    proxy.setBlackhole(true);
    const hung = await Promise.all([post(), post(), app.inject({ url: '/api/notes?limit=1' })]);
    const [a, b] = hung as [Outcome, Outcome, { statusCode: number; headers: Record<string, unknown> }];
    for (const o of [a, b]) {
      expect(o.status).toBe(503);
      expect(o.ms).toBeLessThan(2000);
    }
    expect(hung[2].statusCode).toBe(503);
    proxy.setBlackhole(false);
    const back = performance.now();
    let status = 0;
    while (status !== 201 && performance.now() - back < 5000) status = (await post()).status;
    expect(status).toBe(201);
  });
});
