// The traced-api process: logger, pool, timeouts, listen, graceful shutdown. Tracing is not
// started here: `pnpm start`/`pnpm dev` preload dd-trace with --import (see package.json).
import { loadConfigOrExit, redactUrl } from '@dd-challenge/config';
import tracer from 'dd-trace';
import pino from 'pino';
import { buildApp } from './app.ts';
import { createPool } from './db/pool.ts';
import { UNTRACED_PATHS } from './routes/health.ts';

const config = loadConfigOrExit();

// Probes stay out of traces. A no-op when the tracer was not preloaded.
tracer.use('http', { server: { blocklist: [...UNTRACED_PATHS] } });

const logger = pino({
  level: config.logLevel,
  ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty' } } : {}),
});

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

/** Waits for the database (the embedded one may still be starting): one try per second. */
async function waitForDatabase(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      if (attempt === 1)
        logger.info({ database: redactUrl(config.database.url) }, 'waiting for the database');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  // Whatever happens below, do not linger.
  setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await app.close(); // stops accepting, waits for in-flight requests
    await pool.end();
    logger.info('stopped');
    // No process.exit(): the event loop drains and dd-trace flushes its last spans on beforeExit.
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exitCode = 1;
  }
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await waitForDatabase(120_000);
  await app.listen({ port: config.api.port, host: config.api.host });
} catch (error) {
  logger.fatal({ err: error, database: redactUrl(config.database.url) }, 'could not start');
  await pool.end().catch(() => {});
  process.exit(1);
}
