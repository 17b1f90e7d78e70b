/**
 * `pnpm dev`'s seeded history: on the sandbox's first start, a week of PostgreSQL row rates
 * (the postgresql.rows_* metrics the dashboard draws with anomaly bands) written through the
 * sandbox's own series intake with the official client, tagged `source:seed`, so the bands have
 * history behind them at once instead of after the first hour. Never against Datadog.
 */
import type { v2 } from '@datadog/datadog-api-client';
import type { Config } from '@dd-challenge/config';
import type { Api } from './client.ts';
import { POSTGRES_ROW_METRICS } from './definitions/my-metric-dashboard.ts';

/** The tag on every seeded point: `!source:seed` in a query shows the live points alone. */
export const SEED_TAG = 'source:seed';
/** The postgres check's min_collection_interval (infra/agent/conf.d/postgres.d/conf.yaml). */
export const SEED_STEP_S = 15;
export const SEED_DAYS = 7;
const DAY_S = 86_400;
const HOUR_S = 3600;

type RowMetric = (typeof POSTGRES_ROW_METRICS)[number];

/**
 * Rows per second per request/s of the demo's traffic (apps/traffic against traced-api), as the
 * postgres check reads them from the embedded Postgres a few minutes in, so the seeded week meets
 * the live rates. traced-api never updates a row: rows_updated is seeded at 0, as it runs live.
 */
const ROWS_PER_REQUEST: Readonly<Record<RowMetric, number>> = {
  'postgresql.rows_fetched': 8,
  'postgresql.rows_returned': 16,
  'postgresql.rows_inserted': 0.17,
  'postgresql.rows_updated': 0,
  'postgresql.rows_deleted': 0.1,
};

/** A v2 MetricPoint with both fields set. */
export interface SeedPoint {
  readonly timestamp: number;
  readonly value: number;
}

export type SeedResult =
  | { readonly seeded: true; readonly points: number; readonly from: number; readonly to: number }
  | { readonly seeded: false; readonly reason: string };

/** A deterministic pseudo-random generator (mulberry32): the same week every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The shape of a database's week at UNIX second t (UTC): a daily wave, busiest mid-afternoon
 * and quietest at night, with weekends at 60 % of weekdays.
 */
export function seasonality(t: number): number {
  const hour = (t % DAY_S) / HOUR_S;
  const daily = 1 + 0.45 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const weekday = new Date(t * 1000).getUTCDay(); // 0 Sunday, 6 Saturday
  return daily * (weekday === 0 || weekday === 6 ? 0.6 : 1);
}

/**
 * One metric's seeded points every SEED_STEP_S over [from, to): seasonality with ±15 % noise,
 * scaled so the shape at `to` is `level` (the demo's live rate) and the graph joins the live
 * points without a step.
 */
export function seedPoints(metric: string, level: number, from: number, to: number): SeedPoint[] {
  let hash = 2166136261;
  for (const c of metric) hash = Math.imul(hash ^ c.charCodeAt(0), 16777619);
  const rnd = random(hash);
  const scale = level / seasonality(to);
  const points: SeedPoint[] = [];
  for (let t = from; t < to; t += SEED_STEP_S) {
    const value = scale * seasonality(t) * (1 + (rnd() - 0.5) * 0.3);
    points.push({ timestamp: t, value: Math.round(value * 1000) / 1000 });
  }
  return points;
}

/** The time of the first bucket holding a point of `query` over [from, to], if any. */
async function firstBucket(api: Api, query: string, from: number, to: number): Promise<number | undefined> {
  const res = await api.queries.queryMetrics({ from, to, query });
  let first: number | undefined;
  for (const s of res.series ?? [])
    for (const [ms, v] of s.pointlist ?? [])
      if (ms !== undefined && v !== null && v !== undefined) first = Math.min(first ?? ms, ms);
  return first === undefined ? undefined : first / 1000;
}

/**
 * Where the live points begin, to the query's finest buckets: over a week the API answers in
 * hours, so the hour found is asked again (in 20 s buckets).
 */
async function firstLivePoint(
  api: Api,
  query: string,
  from: number,
  to: number,
): Promise<number | undefined> {
  const hour = await firstBucket(api, query, from, to);
  if (hour === undefined) return undefined;
  return (await firstBucket(api, query, Math.max(from, hour), Math.min(to, hour + HOUR_S))) ?? hour;
}

/**
 * Seeds the week before the demo's first live point, once. Skipped when SANDBOX_SEED_HISTORY is
 * off, when the target is Datadog, or when seeded points of the past week are already there.
 * One request a day of history (five series, 5,760 points each), newest first, so an
 * interrupted seed still holds the hours the bands read first.
 */
export async function seedHistory(api: Api, config: Config, host: string): Promise<SeedResult> {
  const target = api.target;
  if (target.name !== 'sandbox') return { seeded: false, reason: 'the target is Datadog' };
  if (!config.sandbox.seedHistory) return { seeded: false, reason: 'SANDBOX_SEED_HISTORY=0' };

  // The sandbox's clock, which SANDBOX_CLOCK_SPEED may run ahead of the wall's.
  const health = (await fetch(`${target.apiUrl}/sandbox/health`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.json())
    .catch(() => ({}))) as { now?: string };
  const now = Math.floor((health.now ? Date.parse(health.now) : Date.now()) / 1000);
  // A week, or what the sandbox keeps (SANDBOX_RETENTION) less ten minutes.
  const span = Math.min(SEED_DAYS * DAY_S, Math.floor(config.sandbox.retentionMs / 1000) - 600);
  const from = Math.ceil((now - span) / SEED_STEP_S) * SEED_STEP_S;

  const probe = POSTGRES_ROW_METRICS[0];
  if ((await firstBucket(api, `avg:${probe}{host:${host},${SEED_TAG}}`, from, now)) !== undefined)
    return { seeded: false, reason: 'the past week already holds seeded history' };
  // The postgres check may have run for a while already: the seed ends where its points begin.
  const live = await firstLivePoint(api, `avg:${probe}{host:${host},!${SEED_TAG}}`, from, now);
  const to = Math.floor((live ?? now) / SEED_STEP_S) * SEED_STEP_S;
  if (to - from < DAY_S) return { seeded: false, reason: 'live points already cover most of the week' };

  const all = POSTGRES_ROW_METRICS.map((metric) => ({
    metric,
    points: seedPoints(metric, ROWS_PER_REQUEST[metric] * config.traffic.rps, from, to),
  }));
  const perDay = DAY_S / SEED_STEP_S;
  const count = all[0]?.points.length ?? 0;
  for (let end = count; end > 0; end -= perDay) {
    const series = all.map(
      ({ metric, points }): v2.MetricSeries => ({
        metric,
        type: 2, // rate, as the postgres check submits them
        interval: SEED_STEP_S,
        points: points.slice(Math.max(0, end - perDay), end),
        tags: [SEED_TAG],
        resources: [{ type: 'host', name: host }],
      }),
    );
    await api.metrics.submitMetrics({ body: { series } });
  }
  return { seeded: true, points: count * all.length, from, to };
}
