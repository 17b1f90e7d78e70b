import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { initDataDir } from './init-data-dir.ts';

describe('startEmbeddedPostgres', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('serves five concurrent pg clients running parameterised queries and a transaction', async () => {
    const server = await startEmbeddedPostgres({ port: 0 });
    const pool = new pg.Pool({ connectionString: server.url, max: 5 });
    try {
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      await pool.query('CREATE TABLE kv (k int PRIMARY KEY, v text NOT NULL)');
      // Differently shaped statements interleaved across the five connections.
      const jobs = Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? pool
              .query('INSERT INTO kv (k, v) VALUES ($1, $2) RETURNING v', [i, `v${i}`])
              .then((r) => r.rows[0].v)
          : pool.query('SELECT $1::int * 2 AS doubled', [i]).then((r) => r.rows[0].doubled),
      );
      const results = await Promise.all(jobs);
      expect(results).toEqual(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? `v${i}` : i * 2)));
      const clients = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
      try {
        const pids = await Promise.all(clients.map((c) => c.query('SELECT 1 AS one')));
        expect(pids.map((r) => r.rows[0].one)).toEqual([1, 1, 1, 1, 1]);
        // A transaction on one connection is isolated from statements on the others until commit.
        const [tx, other] = clients as [pg.PoolClient, pg.PoolClient];
        await tx.query('BEGIN');
        await tx.query('INSERT INTO kv (k, v) VALUES (1000, $1)', ['in-tx']);
        const during = other.query('SELECT count(*)::int AS n FROM kv WHERE k = 1000');
        await tx.query('COMMIT');
        expect((await during).rows[0].n).toBe(1);
      } finally {
        for (const c of clients) c.release();
      }
      expect((await pool.query('SELECT count(*)::int AS n FROM kv')).rows[0].n).toBe(101);
    } finally {
      await pool.end();
      await server.close();
    }
  });

  it('stop() drops connections and refuses new ones; restart() serves the same data again', async () => {
    const server = await startEmbeddedPostgres({ port: 0 });
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    pool.on('error', () => {});
    try {
      await pool.query('CREATE TABLE t (v text)');
      await pool.query('INSERT INTO t VALUES ($1)', ['before']);
      await server.stop();
      await expect(pool.query('SELECT 1')).rejects.toThrow();
      await expect(new pg.Client({ connectionString: server.url }).connect()).rejects.toThrow(/ECONNREFUSED/);
      await server.restart();
      const { rows } = await pool.query('SELECT v FROM t');
      expect(rows).toEqual([{ v: 'before' }]);
    } finally {
      await pool.end();
      await server.close();
    }
  });

  it('keeps data in dataDir across a restart on the same port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dev-postgres-'));
    dirs.push(dataDir);
    const first = await startEmbeddedPostgres({ port: 0, dataDir });
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query('CREATE TABLE notes (id serial PRIMARY KEY, title text)');
    await client.query('INSERT INTO notes (title) VALUES ($1)', ['kept']);
    await client.end();
    await first.close();
    await expect(new pg.Client({ connectionString: first.url }).connect()).rejects.toThrow(/ECONNREFUSED/);

    const second = await startEmbeddedPostgres({ port: first.port, dataDir });
    const again = new pg.Client({ connectionString: second.url });
    try {
      await again.connect();
      const { rows } = await again.query('SELECT title FROM notes');
      expect(rows).toEqual([{ title: 'kept' }]);
    } finally {
      await again.end();
      await second.close();
    }
  });

  it('creates a fresh data folder in a child process and runs with the demo-sized settings', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dev-postgres-'));
    dirs.push(dataDir);
    await initDataDir(dataDir);
    // The database exists before this process ever loaded PGlite for it.
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const server = await startEmbeddedPostgres({ port: 0, dataDir });
    const client = new pg.Client({ connectionString: server.url });
    try {
      await client.connect();
      const show = async (name: string) => Object.values((await client.query(`SHOW ${name}`)).rows[0])[0];
      expect(await show('shared_buffers')).toBe('16MB');
      expect(await show('maintenance_work_mem')).toBe('16MB');
      expect(await show('work_mem')).toBe('2MB');
    } finally {
      await client.end();
      await server.close();
    }
  });
});
