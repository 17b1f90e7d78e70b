// `pnpm dev`: the project's development database, unless DATABASE_URL points elsewhere.
import { loadConfigOrExit, redactUrl } from '@dd-challenge/config';
import { createLogger } from '@dd-challenge/config/log';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const config = loadConfigOrExit();
const log = createLogger(config, 'dev-postgres');

if (!config.database.embedded) {
  log.info(`DATABASE_URL is set (${redactUrl(config.database.url)}); not starting the embedded Postgres`);
} else {
  const started = Date.now();
  const pg = await startEmbeddedPostgres({
    port: config.database.embeddedPort,
    dataDir: config.database.embeddedDataDir,
  });
  let stopping = false;
  const stop = (signal: string) => {
    // One Ctrl-C can arrive twice (the terminal's group signal, and pnpm passing its own on).
    if (stopping) return;
    stopping = true;
    log.debug(`${signal}: closing`);
    pg.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  // Before the ready line: whoever reads it may stop the server at once.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  log.info(
    `PGlite serving ${pg.url} (data in ${config.database.embeddedDataDir}, ready in ${Date.now() - started} ms)`,
  );
}
