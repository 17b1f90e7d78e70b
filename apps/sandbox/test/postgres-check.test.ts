import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@dd-challenge/dev-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChecks } from '../src/agent/checks/index.ts';
import { PostgresCheck } from '../src/agent/checks/postgres-check.ts';
import { readPostgresConf } from '../src/agent/checks/postgres-conf.ts';
import { HOST, testSandbox } from './helpers.ts';

const REAL = 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = mkdtempSync(join(tmpdir(), 'pgconf-'));
// The Agent's format, as infra/agent/conf.d/postgres.d/conf.yaml writes it.
const confPath = join(dir, 'conf.yaml');
writeFileSync(
  confPath,
  `ad_identifiers:
  - postgres
init_config:
instances:
  - host: "%%host%%"
    port: 5432
    username: datadog_sandbox_missing_role
    password: "%%env_POSTGRES_DATADOG_PASSWORD%%"
    dbname: test
    min_collection_interval: 1
    tags:
      - service:postgres
      - db_instance:test-primary
`,
);

const find = (samples: Awaited<ReturnType<PostgresCheck['run']>>, metric: string, db: string) =>
  samples.find((s) => s.metric === metric && s.tags.includes(`db:${db}`));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('postgres check', () => {
  it('reads the Agent conf.yaml instance', () => {
    const [inst] = readPostgresConf(confPath);
    expect(inst).toMatchObject({
      host: '%%host%%',
      port: 5432,
      dbname: 'test',
      minCollectionInterval: 1,
      tags: ['service:postgres', 'db_instance:test-primary'],
    });
  });

  it('submits connections and row rates from pg_stat_database on the real server', async () => {
    const [inst] = readPostgresConf(confPath);
    const check = new PostgresCheck(inst as NonNullable<typeof inst>, REAL);
    const app = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await app.connect();
    try {
      const t0 = Math.floor(Date.now() / 1000);
      const first = await check.run(t0);
      expect(check.note).toContain('missing there');
      expect(find(first, 'postgresql.connections', 'test')?.value).toBeGreaterThanOrEqual(1);
      expect(find(first, 'postgresql.rows_inserted', 'test')).toBeUndefined(); // a rate needs two runs
      await app.query('CREATE TEMP TABLE sandbox_check_rows (n int)');
      await app.query('INSERT INTO sandbox_check_rows SELECT generate_series(1, 100)');
      await app.query('SELECT * FROM sandbox_check_rows');
      // Backends report their counters lazily when idle: ask for the next report now.
      await app.query('SELECT pg_stat_force_next_flush()');
      await app.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 200));
      const second = await check.run(t0 + 2);
      const inserted = find(second, 'postgresql.rows_inserted', 'test');
      expect(inserted?.type).toBe('rate');
      expect(inserted?.value).toBeGreaterThanOrEqual(50);
      expect(inserted?.tags).toEqual(['db:test', 'service:postgres', 'db_instance:test-primary']);
      for (const m of [
        'rows_fetched',
        'rows_returned',
        'rows_updated',
        'rows_deleted',
        'commits',
        'rollbacks',
        'deadlocks',
      ]) {
        expect(find(second, `postgresql.${m}`, 'test'), m).toBeDefined();
      }
      expect(find(second, 'postgresql.commits', 'test')?.value).toBeGreaterThan(0);
    } finally {
      await app.end();
      await check.close();
    }
  });

  it('runs on the schedule into the metric store with the host and instance tags', async () => {
    const t = await testSandbox();
    const checks = startChecks(t.ctx, { postgresConf: confPath, databaseUrl: REAL, hostIntervalSeconds: 1 });
    try {
      await checks.runAll();
      const now = Math.floor(Date.now() / 1000);
      // This check's own series: the sandbox may run its own postgres check on the same database.
      const [conn] = [...t.ctx.metrics.series('postgresql.connections', now - 60, now + 60)].filter(
        (s) => s.tags.includes('db:test') && s.tags.includes('db_instance:test-primary'),
      );
      expect(conn?.tags).toEqual(
        expect.arrayContaining(['db:test', 'db_instance:test-primary', `host:${HOST}`, 'role:database']),
      );
      for (const m of [
        'system.mem.total',
        'system.mem.used',
        'system.load.1',
        'system.load.5',
        'system.load.15',
      ]) {
        expect([...t.ctx.metrics.series(m, now - 60, now + 60)].length, m).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 1100));
      await checks.runAll();
      const user = [...t.ctx.metrics.series('system.cpu.user', now - 60, now + 60)][0];
      const idle = [...t.ctx.metrics.series('system.cpu.idle', now - 60, now + 60)][0];
      expect(user?.values[0]).toBeGreaterThanOrEqual(0);
      expect((user?.values[0] as number) + (idle?.values[0] as number)).toBeLessThanOrEqual(100.0001);
      const status = await (await fetch(`${t.sandbox.apiUrl}/sandbox/checks`)).json();
      expect(JSON.stringify(status)).toContain('postgres[');
    } finally {
      await checks.close();
      await t.close();
    }
  });
});

describe('postgres check on the embedded Postgres', () => {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ port: 0 });
  }, 120_000);
  afterAll(async () => {
    await embedded?.close();
  });

  it('connects through the project URL and submits per-database metrics', async () => {
    const [inst] = readPostgresConf(confPath);
    const check = new PostgresCheck(inst as NonNullable<typeof inst>, embedded.url);
    try {
      const first = await check.run(1000);
      expect(find(first, 'postgresql.connections', 'postgres')?.value).toBeGreaterThanOrEqual(0);
      const second = await check.run(1002);
      expect(find(second, 'postgresql.rows_fetched', 'postgres')?.type).toBe('rate');
    } finally {
      await check.close();
    }
  }, 120_000);
});
