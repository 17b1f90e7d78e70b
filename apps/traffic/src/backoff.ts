/** Delay before retry number `attempt` (0-based): doubling from initial, capped, ±20% jitter. */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A promise that resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The network reason behind a failed fetch: ECONNREFUSED, ENOTFOUND, timeout… */
export function failureReason(error: unknown): string {
  const e = error as {
    name?: string;
    code?: unknown;
    message?: string;
    cause?: { name?: string; code?: unknown; message?: string };
  };
  // A timeout: fetch throws the signal's TimeoutError, node:http an AbortError caused by it.
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return 'timeout';
  // node:http puts the system error's code on the error, fetch (undici) on its cause.
  if (typeof e?.code === 'string' && e.code !== 'ABORT_ERR') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return e?.cause?.message ?? e?.message ?? String(error);
}

/** True for failures that mean nothing is listening (as opposed to a slow or broken answer). */
export function isConnectionFailure(error: unknown): boolean {
  return /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|UND_ERR_SOCKET/.test(failureReason(error));
}
