import type { Logger } from 'pino';
import { backoffDelay, failureReason, isConnectionFailure, sleep } from './backoff.ts';
import { httpSend, type Send } from './http.ts';
import { EXPECTED_ERROR_STATUS, pickKind, weightsFor } from './mix.ts';
import { IdPool, type PlannedRequest, planRequest } from './requests.ts';
import { SYNTHETIC_HEADER, type TrafficSettings, USER_AGENT } from './settings.ts';
import { formatSnapshot, type Snapshot, Stats } from './stats.ts';

/**
 * The loop wakes when the next request is due, but at least this long apart (requests due in
 * between go out together) and at most MAX_SLEEP_MS apart (to see the duration and burst edges).
 */
const TICK_MS = 20;
const MAX_SLEEP_MS = 1000;
/** How often the progress callback gets a fresh snapshot. */
const PROGRESS_EVERY_MS = 1000;

export interface TrafficOptions {
  readonly settings: TrafficSettings;
  readonly log: Logger;
  /** Default Math.random; tests pass a seeded one. */
  readonly random?: () => number;
  /** Default node:http with keep-alive (./http.ts); tests pass a wrapped fetch. */
  readonly send?: Send;
  /** Called once a second with the live figures (the TTY line, periodic log lines). */
  readonly onProgress?: (snapshot: Snapshot, phase: Phase) => void;
}

export type Phase = 'waiting' | 'steady' | 'burst' | 'paused' | 'stopped';

export interface Summary extends Snapshot {
  readonly durationMs: number;
}

export interface TrafficRun {
  /** Resolves when the run ends: duration or request limit reached, or stop(). */
  readonly done: Promise<Summary>;
  /** The figures so far. */
  snapshot(): Snapshot;
  /** Stops sending, waits for requests in flight, resolves with the totals. */
  stop(): Promise<Summary>;
}

/** Starts driving settings.target: waits for it to answer, then sends the mode's mix at its rate. */
export function startTraffic(options: TrafficOptions): TrafficRun {
  const { settings, log } = options;
  const random = options.random ?? Math.random;
  const doSend = options.send ?? httpSend;
  const stats = new Stats(settings.statsWindowMs, Date.now());
  const ids = new IdPool(settings.idPoolSize);
  const stopper = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let phase: Phase = 'waiting';
  let issued = 0;
  let connectionFailures = 0;
  let startedAt = Date.now();

  const headers = (json: boolean): Record<string, string> => ({
    'user-agent': USER_AGENT,
    [SYNTHETIC_HEADER]: 'true',
    ...(json ? { 'content-type': 'application/json' } : {}),
  });

  /** Polls /readyz until traced-api answers; false if stopped (or past `deadline`) first. */
  async function waitForTarget(why: string, deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    const url = `${settings.target}/readyz`;
    for (let attempt = 0; !stopper.signal.aborted && Date.now() < deadline; attempt++) {
      let reason: string;
      try {
        const res = await doSend(url, {
          headers: headers(false),
          signal: AbortSignal.any([stopper.signal, AbortSignal.timeout(settings.requestTimeoutMs)]),
        });
        await res.text();
        // 404: an API without /readyz is still an API that answers.
        if ((res.status >= 200 && res.status < 300) || res.status === 404) {
          if (attempt > 0)
            log.info({ target: settings.target, attempts: attempt + 1 }, `${settings.target} is up`);
          return true;
        }
        reason = `HTTP ${res.status}`;
      } catch (error) {
        if (stopper.signal.aborted) return false;
        reason = failureReason(error);
      }
      const delay = backoffDelay(attempt, settings.backoffInitialMs, settings.backoffMaxMs, random);
      // Said once at info; the retries that follow are at debug.
      log[attempt === 0 ? 'info' : 'debug'](
        { target: url, reason, attempt: attempt + 1, retryInMs: delay },
        `${why}: waiting for traced-api at ${url} (${reason}); retrying in ${(delay / 1000).toFixed(1)} s`,
      );
      await sleep(Math.min(delay, deadline - Date.now()), stopper.signal);
    }
    return false;
  }

  function learnIds(req: PlannedRequest, status: number, text: string): void {
    if (!text || (req.kind !== 'createNote' && req.kind !== 'listNotes') || status >= 300) return;
    try {
      const body = JSON.parse(text) as { id?: unknown; items?: Array<{ id?: unknown }> };
      if (req.kind === 'createNote') ids.add(body.id);
      else for (const item of body.items ?? []) ids.add(item.id);
    } catch {
      // Not JSON: nothing to learn; the status already tells whether it was right.
    }
  }

  async function send(req: PlannedRequest): Promise<void> {
    const t0 = performance.now();
    let status: number | undefined;
    let unexpected: boolean;
    try {
      const res = await doSend(settings.target + req.path, {
        method: req.method,
        headers: headers(req.body !== undefined),
        body: req.body,
        signal: AbortSignal.any([stopper.signal, AbortSignal.timeout(settings.requestTimeoutMs)]),
      });
      const text = await res.text();
      status = res.status;
      const expected = EXPECTED_ERROR_STATUS[req.kind];
      unexpected = expected === undefined ? status >= 400 : status !== expected;
      connectionFailures = 0;
      learnIds(req, status, text);
      if (unexpected) log.debug({ kind: req.kind, path: req.path, status }, 'unexpected status');
    } catch (error) {
      if (stopper.signal.aborted) {
        // Cut short by stop(): not an answer from the target, so not counted.
        if (req.kind === 'getNote') ids.done(req.id);
        return;
      }
      unexpected = true;
      log.debug({ kind: req.kind, path: req.path, reason: failureReason(error) }, 'request failed');
      if (isConnectionFailure(error)) connectionFailures++;
    }
    if (req.kind === 'getNote') ids.done(req.id);
    stats.record({ kind: req.kind, at: Date.now(), latencyMs: performance.now() - t0, status, unexpected });
  }

  function issue(inBurst: boolean): void {
    if (settings.requestLimit !== undefined && issued >= settings.requestLimit) return;
    if (inFlight.size >= settings.maxInFlight) {
      stats.shed();
      return;
    }
    const req = planRequest(pickKind(weightsFor(settings.mode, inBurst), random), ids, random);
    issued++;
    const p = send(req).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  function inBurstAt(elapsed: number): boolean {
    const { periodMs, lengthMs } = settings.burst;
    return settings.mode === 'burst' && elapsed % periodMs >= periodMs - lengthMs;
  }

  async function run(): Promise<Summary> {
    const progress = setInterval(
      () => options.onProgress?.(stats.snapshot(Date.now()), phase),
      PROGRESS_EVERY_MS,
    );
    progress.unref();
    try {
      if (!(await waitForTarget('starting'))) return finish();
      startedAt = Date.now();
      log.info(
        { target: settings.target, mode: settings.mode, rps: settings.rps, durationMs: settings.durationMs },
        `sending ${settings.mode} traffic at ${settings.rps} req/s to ${settings.target}`,
      );
      // The first request learns which notes exist, so GET/DELETE by id have ids to use.
      issued++;
      await send({ kind: 'listNotes', method: 'GET', path: '/api/notes?limit=50&offset=0' });
      let credit = 0;
      let last = Date.now();
      while (!stopper.signal.aborted) {
        const now = Date.now();
        const elapsed = now - startedAt;
        if (settings.durationMs !== undefined && elapsed >= settings.durationMs) break;
        if (settings.requestLimit !== undefined && issued >= settings.requestLimit) break;
        if (connectionFailures >= settings.connectionFailuresToPause) {
          phase = 'paused';
          log.warn({ target: settings.target }, 'traced-api stopped answering; pausing');
          await Promise.all(inFlight);
          const deadline = settings.durationMs === undefined ? undefined : startedAt + settings.durationMs;
          if (!(await waitForTarget('paused', deadline))) break;
          connectionFailures = 0;
          credit = 1;
          last = Date.now();
          continue;
        }
        const burst = inBurstAt(elapsed);
        phase = burst ? 'burst' : 'steady';
        const rate = settings.rps * (burst ? settings.burst.multiplier : 1);
        // Credit from the real elapsed time, so the rate holds whatever the timer lateness;
        // capped at one second's worth so a stalled process does not fire a volley.
        credit = Math.min(credit + (rate * (now - last)) / 1000, Math.max(1, rate));
        last = now;
        while (credit >= 1 && !stopper.signal.aborted) {
          credit--;
          issue(burst);
        }
        // At 5 req/s that is 5 wake-ups a second, not 50.
        const due = ((1 - credit) / rate) * 1000;
        await sleep(Math.min(MAX_SLEEP_MS, Math.max(TICK_MS, due)), stopper.signal);
      }
      return await finish();
    } finally {
      clearInterval(progress);
    }
  }

  async function finish(): Promise<Summary> {
    await Promise.all(inFlight);
    phase = 'stopped';
    const snapshot = stats.snapshot(Date.now());
    const summary: Summary = { ...snapshot, durationMs: Date.now() - startedAt };
    // Ending by itself (TRAFFIC_DURATION) is news; a stop asked for is not.
    log[stopper.signal.aborted ? 'debug' : 'info']({ summary }, `traffic done: ${formatSnapshot(snapshot)}`);
    return summary;
  }

  const done = run();
  return {
    done,
    snapshot: () => stats.snapshot(Date.now()),
    stop() {
      stopper.abort();
      return done;
    },
  };
}
