// The traced-api process: logger, pool, timeouts, listen, graceful shutdown. Tracing is not
// started here: `pnpm start`/`pnpm dev` preload dd-trace with --import (see package.json).
import { loadConfigOrExit, redactUrl } from '@dd-challenge/config';
import { createLogger } from '@dd-challenge/config/log';
import tracer from 'dd-trace';
import { buildApp } from './app.ts';
import { createPool } from './db/pool.ts';
import { UNTRACED_PATHS } from './routes/health.ts';

const config = loadConfigOrExit();

// Probes stay out of traces. A no-op when the tracer was not preloaded.
tracer.use('http', { server: { blocklist: [...UNTRACED_PATHS] } });

const logger = createLogger(config, 'traced-api');

const pool = createPool(config.database.url);
const app = buildApp(
  config,
  { pool },
  {
    loggerInstance: logger,
    connectionTimeout: 10_000,
    requestTimeout: 15_000,
    keepAliveTimeout: 5_000,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  },
);

let stopping = false;

/**
 * Waits for the database (the embedded one may still be starting): one try per second, said
 * once. False when a stop came first.
 */
async function waitForDatabase(deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; !stopping; attempt++) {
    try {
      await pool.query('SELECT 1');
      return true;
    } catch (error) {
      if (Date.now() > until) throw error;
      if (attempt === 1) logger.info(`waiting for the database at ${redactUrl(config.database.url)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  return false;
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.debug({ signal }, `${signal}: finishing in-flight requests`);
  // Whatever happens below, do not linger.
  setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await app.close(); // stops accepting, waits for in-flight requests
    await pool.end();
    logger.debug('stopped');
    // No process.exit(): the event loop drains and dd-trace flushes its last spans on beforeExit.
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exitCode = 1;
  }
}
// `on`, not `once`: one Ctrl-C can arrive twice (the terminal's group signal, and pnpm passing its
// own on), and a second must not kill the process mid-drain.
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  if (await waitForDatabase(120_000)) await app.listen({ port: config.api.port, host: config.api.host });
} catch (error) {
  // Stopped while starting: nothing went wrong.
  if (stopping) process.exit(0);
  logger.fatal({ err: error, database: redactUrl(config.database.url) }, 'could not start');
  await pool.end().catch(() => {});
  process.exit(1);
}
