import { loadConfig } from '@dd-challenge/config';
import { startEmbeddedPostgres } from '@dd-challenge/dev-postgres';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createPool } from '../src/db/pool.ts';
import { createRealTestDatabase } from './support/databases.ts';

/** The same route suite against any Postgres: an app built on it, used through inject(). */
function routeSuite(database: () => Promise<{ url: string; close(): Promise<void> }>) {
  let app: FastifyInstance;
  let pool: pg.Pool;
  let db: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    db = await database();
    const config = loadConfig({ env: { DATABASE_URL: db.url }, envFile: false });
    pool = createPool(config.database.url);
    app = buildApp(config, { pool });
    await app.ready(); // runs the migration
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.close();
  });

  const json = (payload: unknown) => ({
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.json() as {
      status: number;
      detail: string;
      errors?: Array<{ field: string; message: string }>;
    };
  };

  it('answers the challenge routes with their exact bodies', async () => {
    for (const [url, body] of [
      ['/', 'Entrypoint to the Application'],
      ['/api/apm', 'Getting APM Started'],
      ['/api/trace', 'Posting Traces'],
    ] as const) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(body);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    }
  });

  it('reports liveness and readiness', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('creates, reads, lists, pages and deletes notes', async () => {
    const created = [];
    for (const title of ['first', 'second', 'third']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/notes',
        headers: { 'content-type': 'application/json' },
        payload: { title, body: `${title} body` },
      });
      expect(res.statusCode).toBe(201);
      created.push(res.json());
    }
    const [first, second, third] = created;
    expect(first).toMatchObject({ title: 'first', body: 'first body' });
    expect(Number.isInteger(first.id)).toBe(true);
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);

    expect((await app.inject({ url: `/api/notes/${second.id}` })).json()).toEqual(second);

    const page = (await app.inject({ url: '/api/notes?limit=2&offset=1' })).json();
    expect(page).toEqual({ items: [second, third], total: 3, limit: 2, offset: 1 });
    const defaults = (await app.inject({ url: '/api/notes' })).json();
    expect(defaults).toMatchObject({ total: 3, limit: 20, offset: 0 });
    expect(defaults.items).toHaveLength(3);

    expect((await app.inject({ method: 'DELETE', url: `/api/notes/${first.id}` })).statusCode).toBe(204);
    const gone = await app.inject({ url: `/api/notes/${first.id}` });
    expect(gone.statusCode).toBe(404);
    expect(problem(gone).detail).toContain(`Note ${first.id}`);
    expect((await app.inject({ method: 'DELETE', url: `/api/notes/${first.id}` })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/notes' })).json().total).toBe(2);
  });

  it('stores text as given, including SQL-looking input (parameterised SQL)', async () => {
    const title = "Robert'); DROP TABLE notes;--";
    const res = await app.inject({
      method: 'POST',
      url: '/api/notes',
      ...json({ title, body: 'ünïcødé ✓' }),
    });
    expect(res.statusCode).toBe(201);
    expect((await app.inject({ url: `/api/notes/${res.json().id}` })).json()).toMatchObject({
      title,
      body: 'ünïcødé ✓',
    });
  });

  it.each([
    { desc: 'missing title', payload: { body: 'x' }, field: 'body.title', message: 'is required' },
    {
      desc: 'empty title',
      payload: { title: '', body: 'x' },
      field: 'body.title',
      message: 'must NOT have fewer than 1 characters',
    },
    {
      desc: 'wrong type',
      payload: { title: 'x', body: { text: 'y' } },
      field: 'body.body',
      message: 'must be string',
    },
    {
      desc: 'unknown field',
      payload: { title: 'x', body: 'y', owner: 'me' },
      field: 'body.owner',
      message: 'is not allowed',
    },
  ])('rejects a body with $desc: 400 naming $field', async ({ payload, field, message }) => {
    const res = await app.inject({ method: 'POST', url: '/api/notes', ...json(payload) });
    expect(res.statusCode).toBe(400);
    const body = problem(res);
    expect(body.status).toBe(400);
    expect(body.errors).toContainEqual({ field, message });
    expect(body.detail).toContain(field);
  });

  it('rejects malformed JSON with a 400 problem', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/notes',
      headers: { 'content-type': 'application/json' },
      payload: '{"title":',
    });
    expect(res.statusCode).toBe(400);
    expect(problem(res).detail).toMatch(/JSON/i);
  });

  it.each([
    { url: '/api/notes?limit=0', field: 'querystring.limit' },
    { url: '/api/notes?limit=101', field: 'querystring.limit' },
    { url: '/api/notes?limit=ten', field: 'querystring.limit' },
    { url: '/api/notes?offset=-1', field: 'querystring.offset' },
    { url: '/api/notes?page=2', field: 'querystring.page' },
    { url: '/api/notes/abc', field: 'params.id' },
    { url: '/api/notes/0', field: 'params.id' },
  ])('rejects $url: 400 naming $field', async ({ url, field }) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(problem(res).errors?.map((e) => e.field)).toContain(field);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ url: '/api/nothing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(problem(res)).toMatchObject({ status: 404, detail: 'No route for GET /api/nothing' });
  });

  it('answers an unexpected database error with a 500 that hides the internals', async () => {
    await pool.query('ALTER TABLE notes RENAME TO notes_aside');
    try {
      const res = await app.inject({ url: '/api/notes' });
      expect(res.statusCode).toBe(500);
      const body = problem(res);
      expect(body.detail).toBe('An unexpected error occurred.');
      expect(res.body).not.toMatch(/notes|relation|SELECT/);
    } finally {
      await pool.query('ALTER TABLE notes_aside RENAME TO notes');
    }
  });

  it('runs the migration again without harm (idempotent)', async () => {
    const { migrate } = await import('../src/db/migrate.ts');
    await migrate(pool);
    await Promise.all([migrate(pool), migrate(pool)]);
    expect((await app.inject({ url: '/api/notes' })).statusCode).toBe(200);
  });
}

describe('routes on embedded Postgres (PGlite)', () => {
  routeSuite(async () => {
    const pg = await startEmbeddedPostgres({ port: 0 });
    return { url: pg.url, close: pg.close };
  });
});

const real = await createRealTestDatabase();
if ('unavailable' in real) console.warn(`skipping the real-Postgres route tests: ${real.unavailable}`);

describe.skipIf('unavailable' in real)(
  'routes on the real Postgres at 127.0.0.1:5432 (a fresh database)',
  () => {
    routeSuite(async () => {
      if ('unavailable' in real) throw new Error(real.unavailable);
      return { url: real.url, close: real.drop };
    });
  },
);
