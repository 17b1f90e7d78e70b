import { setTimeout as sleep } from 'node:timers/promises';
import { client } from '@datadog/datadog-api-client';
import { DEFAULT_RETRY_POLICY, type Outcome, type RetryPolicy, retryDecision } from './retry-policy.ts';

/** One attempt as seen on the wire: method and path only (never headers, never the query's values). */
export interface RequestEvent {
  readonly method: string;
  readonly path: string;
  readonly attempt: number;
  readonly status?: number;
  readonly error?: string;
  /** Set when the attempt will be retried after this wait. */
  readonly retryInMs?: number;
}

export interface HttpOptions {
  readonly policy?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly random?: () => number;
  readonly onEvent?: (event: RequestEvent) => void;
}

/** Thrown when the target cannot be reached at all; says what to check. */
export class TransportError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
  }
}

/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
class Semaphore {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(limit: number) {
    this.#free = limit;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/** A code for a fetch failure: undici puts the system error (ECONNRESET...) in `cause`. */
function errorCode(error: unknown): { code: string; detail: string } {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; name?: string; message?: string };
  };
  const detail = e?.cause?.message ?? e?.message ?? String(error);
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError')
    return { code: 'ETIMEDOUT', detail: 'timed out' };
  return { code: e?.cause?.code ?? e?.code ?? 'EFETCH', detail };
}

/**
 * The official client's transport, replaced through its HttpLibrary hook: Node's fetch with a
 * timeout per attempt, at most `concurrency` requests in flight, and the retry policy of
 * retry-policy.ts (the client's own retry has neither jitter nor a bound on a 429's wait, and
 * resends creates after a 5xx). Keys stay in the headers the client set; nothing here logs them.
 */
export class ResilientHttpLibrary implements client.HttpLibrary {
  readonly policy: RetryPolicy;
  /** Attempts sent so far (retries included). */
  requests = 0;
  readonly #semaphore: Semaphore;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<unknown>;
  readonly #random: () => number;
  readonly #onEvent: ((event: RequestEvent) => void) | undefined;

  constructor(options: HttpOptions = {}) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.#semaphore = new Semaphore(this.policy.concurrency);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
    this.#onEvent = options.onEvent;
  }

  async send(request: client.RequestContext): Promise<client.ResponseContext> {
    const method = request.getHttpMethod().toString();
    const url = request.getUrl();
    const path = new URL(url).pathname;
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome;
      let response: client.ResponseContext | undefined;
      let detail = '';
      await this.#semaphore.acquire();
      try {
        this.requests++;
        response = await this.#attempt(request, method, url);
        outcome = { kind: 'response', status: response.httpStatusCode, headers: response.headers };
      } catch (error) {
        const failure = errorCode(error);
        detail = failure.detail;
        outcome = { kind: 'error', code: failure.code };
      } finally {
        this.#semaphore.release();
      }
      const decision = retryDecision(this.policy, { method, url }, outcome, attempt, this.#random);
      this.#onEvent?.({
        method,
        path,
        attempt,
        ...(outcome.kind === 'response' ? { status: outcome.status } : { error: outcome.code }),
        ...(decision.retry ? { retryInMs: decision.delayMs } : {}),
      });
      if (decision.retry) {
        await this.#sleep(decision.delayMs);
        continue;
      }
      if (response) return response;
      const code = outcome.kind === 'error' ? outcome.code : 'EUNKNOWN';
      const origin = new URL(url).origin;
      const why = decision.reason ? ` (${decision.reason})` : '';
      throw new TransportError(
        `${method} ${path} to ${origin} failed: ${code} (${detail})${why}. ${hintFor(code, origin)}`,
        code,
      );
    }
    // Unreachable: the loop returns or throws.
  }

  async #attempt(
    request: client.RequestContext,
    method: string,
    url: string,
  ): Promise<client.ResponseContext> {
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    const given = request.getHttpConfig().signal as AbortSignal | undefined;
    const body = request.getBody();
    const res = await this.#fetch(url, {
      method,
      headers: request.getHeaders(),
      body: body === undefined ? undefined : (body as string | Uint8Array),
      signal: given ? AbortSignal.any([timeout, given]) : timeout,
    });
    // Read the whole answer inside the attempt so the timeout covers it and a reset mid-body retries.
    const bytes = Buffer.from(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new client.ResponseContext(res.status, headers, {
      text: async () => bytes.toString('utf8'),
      binary: async () => bytes,
    });
  }
}

function hintFor(code: string, origin: string): string {
  if (code === 'ECONNREFUSED')
    return `Nothing listens at ${origin}: start the sandbox (pnpm sandbox) or check SANDBOX_URL / --target.`;
  if (code === 'ENOTFOUND') return `The host of ${origin} does not resolve: check DD_SITE or SANDBOX_URL.`;
  if (code === 'ETIMEDOUT') return 'The target did not answer in time: re-run; apply is safe to repeat.';
  return 'Re-run the command: apply is safe to repeat and reads the target before changing it.';
}
