// `pnpm dev`: the project's development database, unless DATABASE_URL points elsewhere.
import { loadConfigOrExit, redactUrl } from '@dd-challenge/config';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const config = loadConfigOrExit();

if (!config.database.embedded) {
  process.stdout.write(
    `dev-postgres: DATABASE_URL is set (${redactUrl(config.database.url)}); not starting the embedded Postgres.\n`,
  );
} else {
  const started = Date.now();
  const pg = await startEmbeddedPostgres({
    port: config.database.embeddedPort,
    dataDir: config.database.embeddedDataDir,
  });
  process.stdout.write(
    `dev-postgres: PGlite serving ${pg.url} (data in ${config.database.embeddedDataDir}, ready in ${Date.now() - started} ms)\n`,
  );
  const stop = (signal: string) => {
    process.stdout.write(`dev-postgres: ${signal}, closing\n`);
    pg.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`dev-postgres: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
