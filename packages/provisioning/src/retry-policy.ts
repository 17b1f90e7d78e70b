/** How requests are retried, bounded and timed out. Every figure has a ceiling. */
export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** First backoff ceiling; each retry doubles it (full jitter: a random wait below the ceiling). */
  readonly baseDelayMs: number;
  /** Largest single backoff wait. */
  readonly maxDelayMs: number;
  /** A 429 whose X-RateLimit-Reset asks for longer than this is not waited for: the error says when to retry. */
  readonly maxRateLimitWaitMs: number;
  /** Per attempt, from sending the request to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRateLimitWaitMs: 60_000,
  timeoutMs: 30_000,
  concurrency: 4,
};

/** What came back from one attempt: an HTTP status with its headers, or a transport failure. */
export type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'error'; readonly code: string };

/** Whether a request may be sent twice with the same effect as once. */
export function isIdempotent(method: string, url: string): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'PUT' || m === 'DELETE' || m === 'PATCH') return true;
  // Validation endpoints only read the body they are given.
  return m === 'POST' && /\/validate(\?|$)/.test(new URL(url, 'http://x').pathname + '?');
}

/** Connection errors that prove the request never reached the server: safe to resend anything. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Failures mid-exchange: the server may have acted, so only idempotent requests are resent. */
const MID_EXCHANGE = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Seconds to wait as the server asked (X-RateLimit-Reset, else Retry-After), or undefined. */
export function rateLimitResetMs(headers: Readonly<Record<string, string>>): number | undefined {
  for (const name of ['x-ratelimit-reset', 'retry-after']) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const seconds = Number(raw);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  return undefined;
}

/**
 * The decision after one attempt: wait `delayMs` and retry, or stop. `attempt` counts from 1.
 * - 429: the request was refused, not processed: retried whatever the method, after the reset
 *   the server names (plus a little jitter so parallel requests do not return together).
 * - 5xx, resets, timeouts: retried only when the request is idempotent; a create (POST) that
 *   failed that way may have been applied, so apply re-reads the target instead of resending it.
 * - a connection refused: the request never left, retried whatever the method.
 */
export function retryDecision(
  policy: RetryPolicy,
  request: { readonly method: string; readonly url: string },
  outcome: Outcome,
  attempt: number,
  random: () => number = Math.random,
): { retry: true; delayMs: number } | { retry: false; reason?: string } {
  if (attempt >= policy.maxAttempts) return { retry: false, reason: `gave up after ${attempt} attempts` };
  const backoff = () =>
    Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
  if (outcome.kind === 'response') {
    if (outcome.status === 429) {
      const reset = rateLimitResetMs(outcome.headers);
      if (reset === undefined) return { retry: true, delayMs: Math.max(backoff(), policy.baseDelayMs) };
      if (reset > policy.maxRateLimitWaitMs) {
        return { retry: false, reason: `rate limited for ${Math.ceil(reset / 1000)} s more` };
      }
      return { retry: true, delayMs: reset + Math.floor(random() * policy.baseDelayMs) };
    }
    if (outcome.status >= 500 && outcome.status !== 501) {
      return isIdempotent(request.method, request.url)
        ? { retry: true, delayMs: backoff() }
        : { retry: false, reason: 'not retried: the request may have been applied' };
    }
    return { retry: false };
  }
  if (NOT_SENT.has(outcome.code)) return { retry: true, delayMs: backoff() };
  if (!MID_EXCHANGE.has(outcome.code)) return { retry: false }; // a bad URL, a TLS error: retrying will not help
  if (isIdempotent(request.method, request.url)) return { retry: true, delayMs: backoff() };
  return { retry: false, reason: 'not retried: the request may have been applied' };
}
