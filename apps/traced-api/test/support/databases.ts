import { randomBytes } from 'node:crypto';
import pg from 'pg';

const REAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database on the real Postgres at 127.0.0.1:5432 for one test run, or undefined with
 * the reason when that server does not answer (a laptop without Postgres).
 */
export async function createRealTestDatabase(): Promise<
  { url: string; drop(): Promise<void> } | { unavailable: string }
> {
  const admin = new pg.Client({ connectionString: REAL_ADMIN_URL, connectionTimeoutMillis: 1500 });
  try {
    await admin.connect();
  } catch (error) {
    return { unavailable: `no Postgres at 127.0.0.1:5432 (${(error as Error).message})` };
  }
  const name = `traced_api_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const client = new pg.Client({ connectionString: REAL_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
