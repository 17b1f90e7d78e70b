import type { Config } from '@dd-challenge/config';
import { PACKAGE_VERSION } from './version.ts';

// ── Knobs ──────────────────────────────────────────────────────────────────────────────────
// From the environment, through @dd-challenge/config (defaults in brackets):
//   TRAFFIC_TARGET   [http://127.0.0.1:${PORT}]  traced-api's base URL
//   TRAFFIC_RPS      [5]                         steady request rate, requests per second
//   TRAFFIC_MODE     [steady]                    steady | burst | errors
//   TRAFFIC_DURATION [unset: until stopped]      how long to run: 30s, 10m, 2h
// Fixed here (change the code to change them):
/** How long a request may take before it counts as an error. */
export const REQUEST_TIMEOUT_MS = 5000;
/** Requests in flight at most; beyond this a due request is shed (counted), not queued. */
export const MAX_IN_FLIGHT = 64;
/** Waiting for the target: first retry after this, doubling, up to BACKOFF_MAX_MS, ±20% jitter. */
export const BACKOFF_INITIAL_MS = 250;
export const BACKOFF_MAX_MS = 5000;
/** Connection failures in a row that mean "the target went away": stop sending and wait again. */
export const CONNECTION_FAILURES_TO_PAUSE = 3;
/** Burst mode: every BURST_PERIOD_MS, the last BURST_LENGTH_MS run at BURST_MULTIPLIER × rate. */
export const BURST_PERIOD_MS = 120_000;
export const BURST_LENGTH_MS = 20_000;
export const BURST_MULTIPLIER = 8;
/** Latency percentiles and the rate are computed over this trailing window. */
export const STATS_WINDOW_MS = 10_000;
/** Progress log lines (off a TTY) come this often; the TTY line is redrawn every second. */
export const LOG_PROGRESS_EVERY_MS = 60_000;
/** Note ids remembered for GET/DELETE by id. */
export const ID_POOL_SIZE = 200;
/** Every request carries these, so dashboards and traces can tell synthetic traffic apart. */
export const SYNTHETIC_HEADER = 'x-synthetic';
export const USER_AGENT = `dd-challenge-traffic/${PACKAGE_VERSION}`;

export type TrafficMode = Config['traffic']['mode'];

/** Everything a run needs; main builds it from the config, tests shrink the times. */
export interface TrafficSettings {
  readonly target: string;
  readonly rps: number;
  readonly mode: TrafficMode;
  /** undefined: until stopped. */
  readonly durationMs: number | undefined;
  /** Stop after this many requests (tests); undefined: no limit. */
  readonly requestLimit?: number;
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly connectionFailuresToPause: number;
  readonly burst: { readonly periodMs: number; readonly lengthMs: number; readonly multiplier: number };
  readonly statsWindowMs: number;
  readonly logProgressEveryMs: number;
  readonly idPoolSize: number;
}

/** The run's settings: the env-backed ones from config, the rest from the constants above. */
export function trafficSettings(config: Config, overrides: Partial<TrafficSettings> = {}): TrafficSettings {
  return {
    target: config.traffic.target,
    rps: config.traffic.rps,
    mode: config.traffic.mode,
    durationMs: config.traffic.durationMs,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    maxInFlight: MAX_IN_FLIGHT,
    backoffInitialMs: BACKOFF_INITIAL_MS,
    backoffMaxMs: BACKOFF_MAX_MS,
    connectionFailuresToPause: CONNECTION_FAILURES_TO_PAUSE,
    burst: { periodMs: BURST_PERIOD_MS, lengthMs: BURST_LENGTH_MS, multiplier: BURST_MULTIPLIER },
    statsWindowMs: STATS_WINDOW_MS,
    logProgressEveryMs: LOG_PROGRESS_EVERY_MS,
    idPoolSize: ID_POOL_SIZE,
    ...overrides,
  };
}
