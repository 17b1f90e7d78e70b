/** Node socket errors that mean the database cannot be reached right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** Messages pg uses for timeouts and dropped connections (it sets no code on these). */
const PG_CLIENT_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error',
  'Client was closed',
  'Cannot use a pool after calling end',
];

/**
 * True when an error means "the database is unavailable" (answer 503 and retry later) rather
 * than "this request is wrong" or "the code is wrong": network failures, pg client timeouts,
 * SQLSTATE class 08 (connection exception), 57P0x (shutdown), 57014 (statement timeout),
 * 53300 (too many connections).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (code.startsWith('08') || code.startsWith('57P') || code === '57014' || code === '53300') return true;
  }
  if (PG_CLIENT_MESSAGES.some((m) => error.message.includes(m))) return true;
  return error instanceof AggregateError && error.errors.some(isDatabaseUnavailable);
}
