import pg from 'pg';

/** How long the app waits on the database before answering 503: connect and statement alike. */
export const DB_TIMEOUTS = { connectMs: 1000, statementMs: 1500 } as const;

/**
 * A pg Pool that fails fast when the database is unreachable or stuck, so a request answers
 * 503 within about two seconds instead of hanging: a connect timeout, a client-side query
 * timeout (covers a silent server) and a server-side statement_timeout (frees the backend).
 */
export function createPool(connectionString: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: DB_TIMEOUTS.connectMs,
    query_timeout: DB_TIMEOUTS.statementMs,
    statement_timeout: DB_TIMEOUTS.statementMs,
    idleTimeoutMillis: 10_000,
    application_name: 'traced-api',
  });
  // An idle client losing its connection (database restart) must not crash the process; the
  // pool drops it and the next checkout opens a fresh one.
  pool.on('error', () => {});
  return pool;
}
