import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInfraText } from '../src/index.ts';

// Embedded Postgres (PGlite, in process): the same init.sql, twice, then the permissions seen
// through SET ROLE, since PGlite has a single session and no logins.
const initSql = readInfraText('postgres', 'init.sql');
let db: PGlite;

// Starting the WebAssembly Postgres takes seconds, many more on a busy machine.
beforeAll(async () => {
  db = await PGlite.create();
}, 90_000);
afterAll(async () => {
  await db?.close();
});

describe('infra/postgres/init.sql on embedded Postgres', () => {
  it('runs cleanly twice (idempotent)', async () => {
    await db.exec(initSql);
    await db.exec(initSql);
    const roles = await db.query<{ rolname: string; rolcanlogin: boolean }>(
      "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('datadog', 'app') ORDER BY rolname",
    );
    expect(roles.rows).toEqual([
      { rolname: 'app', rolcanlogin: true },
      { rolname: 'datadog', rolcanlogin: true },
    ]);
    const monitor = await db.query<{ member: boolean }>(
      "SELECT pg_has_role('datadog', 'pg_monitor', 'member') AS member",
    );
    expect(monitor.rows[0]?.member).toBe(true);
  });

  it('lets app create its tables in schema app, and datadog read statistics but not those tables', async () => {
    // What a login as app would get: the role's own settings (search_path).
    const config = await db.query<{ rolconfig: string[] | null }>(
      "SELECT rolconfig FROM pg_roles WHERE rolname = 'app'",
    );
    expect(config.rows[0]?.rolconfig).toEqual(['search_path=app, public']);
    await db.exec(`SET ROLE app;
      SET search_path = app, public;
      CREATE TABLE IF NOT EXISTS notes (id bigserial PRIMARY KEY, title text NOT NULL, body text NOT NULL);
      INSERT INTO notes (title, body) VALUES ('hello', 'world');
      RESET ROLE;
      RESET search_path;`);
    const where = await db.query<{ schema: string }>(
      "SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'notes'",
    );
    expect(where.rows).toEqual([{ schema: 'app' }]);

    await db.exec('SET ROLE datadog');
    try {
      const stats = await db.query<{ datname: string }>(
        'SELECT datname FROM pg_stat_database WHERE datname = current_database()',
      );
      expect(stats.rows).toHaveLength(1);
      await expect(db.query('SELECT * FROM app.notes')).rejects.toThrow(/permission denied for schema app/);
    } finally {
      await db.exec('RESET ROLE');
    }
  });
});
