import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraPath, readInfraText } from '../src/index.ts';

// The real Postgres of the machine (127.0.0.1:5432, trust auth): init.sql runs in a fresh
// database created and dropped here. Roles are cluster-wide, so `datadog` and `app` stay behind
// (init.sql is idempotent; other runs and other tools find them as init.sql defines them).
const HOST = '127.0.0.1';
const PORT = 5432;
const initSql = readInfraText('postgres', 'init.sql');
const database = `infra_checks_${randomBytes(4).toString('hex')}`;

function client(user: string, db: string): pg.Client {
  return new pg.Client({ host: HOST, port: PORT, user, database: db, connectionTimeoutMillis: 3000 });
}

async function reachable(): Promise<string | undefined> {
  const c = client('postgres', 'postgres');
  try {
    await c.connect();
    await c.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await c.end().catch(() => {});
  }
}

const unreachable = await reachable();
if (unreachable) {
  console.warn(`skipping init.sql on the real Postgres: ${HOST}:${PORT} does not answer (${unreachable})`);
}

describe.skipIf(unreachable !== undefined)(
  `infra/postgres/init.sql on the real Postgres ${HOST}:${PORT}`,
  () => {
    let admin: pg.Client;
    const opened: pg.Client[] = [];
    const connect = async (user: string) => {
      const c = client(user, database);
      opened.push(c);
      await c.connect();
      return c;
    };

    beforeAll(async () => {
      const root = client('postgres', 'postgres');
      await root.connect();
      await root.query(`CREATE DATABASE ${database}`);
      await root.end();
      admin = await connect('postgres');
    });

    afterAll(async () => {
      for (const c of opened) await c.end().catch(() => {});
      const root = client('postgres', 'postgres');
      await root.connect();
      await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await root.end();
    });

    it('runs cleanly twice (idempotent)', async () => {
      // A multi-statement string goes through the simple query protocol, as psql -f sends it.
      await admin.query(initSql);
      await admin.query(initSql);
      const { rows } = await admin.query(
        `SELECT pg_has_role('datadog', 'pg_monitor', 'member') AS monitor,
              (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'app') AS app_schema_owner`,
      );
      expect(rows[0]).toEqual({ monitor: true, app_schema_owner: 'app' });
    });

    it('lets app create its tables by unqualified name, landing in schema app', async () => {
      const app = await connect('app');
      // What traced-api's migration does at start.
      await app.query(
        'CREATE TABLE IF NOT EXISTS notes (id bigserial PRIMARY KEY, title text NOT NULL, body text NOT NULL)',
      );
      await app.query("INSERT INTO notes (title, body) VALUES ('hello', 'world')");
      const { rows } = await app.query(
        "SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'notes'",
      );
      expect(rows).toEqual([{ schema: 'app' }]);
    });

    it("lets datadog read pg_stat_database and other sessions' activity, and no application data", async () => {
      await admin.query('CREATE TABLE IF NOT EXISTS public.audit (id int)');
      const datadog = await connect('datadog');
      const stats = await datadog.query(
        'SELECT datname, xact_commit, tup_fetched FROM pg_stat_database WHERE datname = current_database()',
      );
      expect(stats.rows).toHaveLength(1);
      // pg_read_all_stats (in pg_monitor): the query text of another role's session is visible.
      const activity = await datadog.query(
        "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND usename = 'postgres' AND pid <> pg_backend_pid()",
      );
      expect(activity.rows.length).toBeGreaterThan(0);
      expect(activity.rows.every((r) => r.query !== '<insufficient privilege>')).toBe(true);

      await expect(datadog.query('SELECT * FROM app.notes')).rejects.toMatchObject({ code: '42501' });
      await expect(datadog.query('SELECT * FROM public.audit')).rejects.toMatchObject({ code: '42501' });
      await expect(datadog.query('CREATE TABLE app.x (id int)')).rejects.toMatchObject({ code: '42501' });
    });

    it('set-passwords.sh sets both passwords from the environment, quoting any character', async () => {
      const psqlThere = await promisify(execFile)('psql', ['--version']).then(
        () => true,
        () => false,
      );
      if (!psqlThere) {
        console.warn('skipping set-passwords.sh: no psql on PATH');
        return;
      }
      const env = {
        ...process.env,
        PGHOST: HOST,
        PGPORT: String(PORT),
        POSTGRES_USER: 'postgres',
        POSTGRES_DB: database,
        POSTGRES_DATADOG_PASSWORD: `dd'"; DROP ROLE app; --${randomBytes(6).toString('hex')}`,
        POSTGRES_APP_PASSWORD: `app-${randomBytes(6).toString('hex')}`,
      };
      await promisify(execFile)('sh', [infraPath('postgres', 'set-passwords.sh')], { env });
      const { rows } = await admin.query(
        "SELECT rolname, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname IN ('app', 'datadog') ORDER BY rolname",
      );
      expect(rows).toEqual([
        { rolname: 'app', has_password: true },
        { rolname: 'datadog', has_password: true },
      ]);
    });
  },
);
