import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { DEMO_POSTGRESQL_CONF } from './postgresql-conf.ts';

const self = fileURLToPath(import.meta.url);

/**
 * Creates the database files of a fresh data folder in a child process that then exits.
 * PGlite runs initdb in a WASM instance of its own whose memory stays in the process that ran it
 * (about 200 MB of RSS, kept until a full GC that an idle demo never triggers); in a child it
 * leaves with the child. A folder that already holds a database is left as it is.
 */
export async function initDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  // This same file (source or built) run as a script: the branch at the end.
  await promisify(execFile)(process.execPath, [self, dataDir], { timeout: 180_000 });
}

if (process.argv[1] === self) {
  const dataDir = process.argv[2];
  if (dataDir === undefined) throw new Error('usage: init-data-dir.ts <data folder>');
  const db = await PGlite.create({ dataDir, postgresqlconf: [...DEMO_POSTGRESQL_CONF] });
  await db.close();
}
