import { loadConfig } from '@dd-challenge/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/client.ts';
import { definitionSettings, myMetricDashboard, POSTGRES_ROW_METRICS } from '../src/definitions/index.ts';
import { SEED_STEP_S, SEED_TAG, seedHistory } from '../src/seed-history.ts';
import { FaultProxy, startTestSandbox, TEST_ENV, type TestSandbox } from './support.ts';

let env: TestSandbox;
const host = TEST_ENV.DD_HOSTNAME;
const headers = () => ({
  'DD-API-KEY': env.target.apiKey.reveal(),
  'DD-APPLICATION-KEY': env.target.appKey.reveal(),
});

interface QueryAnswer {
  series: Array<{
    pointlist: [number, number | null][];
    anomaly_bounds?: { upper: [number, number | null][]; lower: [number, number | null][] };
  }>;
}

async function query(q: string, from: number, to: number): Promise<QueryAnswer> {
  const url = `${env.target.apiUrl}/api/v1/query?from=${from}&to=${to}&query=${encodeURIComponent(q)}`;
  const res = await fetch(url, { headers: headers() });
  expect(res.status).toBe(200);
  return (await res.json()) as QueryAnswer;
}

/** The dashboard's anomaly queries with its `host` template variable set to this host. */
function dashboardAnomalyQueries(): string[] {
  const settings = definitionSettings(env.config);
  return myMetricDashboard(settings)
    .body.widgets.flatMap(
      (w) => (w.definition as { requests?: Array<{ q?: string }> }).requests?.map((r) => r.q ?? '') ?? [],
    )
    .filter((q) => q.startsWith('anomalies('))
    .map((q) => q.replaceAll('$host', `host:${host}`));
}

beforeAll(async () => {
  env = await startTestSandbox();
});
afterAll(async () => {
  await env?.close();
});

describe('seeded PostgreSQL history against the real sandbox', () => {
  it('finds live points first and ends the seed before them', async () => {
    // The postgres check has run for ten minutes already: live rates, no seed tag.
    const now = Math.floor(Date.now() / 1000);
    const live = Array.from({ length: 40 }, (_, i) => ({ timestamp: now - 600 + i * 15, value: 30 }));
    await createApi(env.target).metrics.submitMetrics({
      body: {
        series: [
          {
            metric: POSTGRES_ROW_METRICS[0],
            type: 2,
            interval: 15,
            points: live,
            tags: ['db:postgres'],
            resources: [{ type: 'host', name: host }],
          },
        ],
      },
    });
    const result = await seedHistory(createApi(env.target), env.config, host);
    expect(result.seeded).toBe(true);
    if (!result.seeded) return;
    expect(result.to).toBeLessThanOrEqual(now - 600);
    expect(result.to).toBeGreaterThan(now - 600 - 60);
    expect(result.to - result.from).toBeGreaterThan(7 * 86_400 - 700);
    expect(result.points).toBe(POSTGRES_ROW_METRICS.length * ((result.to - result.from) / SEED_STEP_S));
  });

  it('makes the anomalies() queries of the dashboard answer with non-empty upper and lower bands', async () => {
    const to = Math.floor(Date.now() / 1000);
    const queries = dashboardAnomalyQueries();
    expect(queries).toHaveLength(POSTGRES_ROW_METRICS.length);
    for (const q of queries) {
      // The widgets' own time frame: the past hour.
      const { series } = await query(q, to - 3600, to);
      expect(series, q).toHaveLength(1);
      const bounds = series[0]?.anomaly_bounds;
      const upper = (bounds?.upper ?? []).filter(([, v]) => v !== null);
      const lower = (bounds?.lower ?? []).filter(([, v]) => v !== null);
      // A band at every point of the graph, from its first bucket on.
      expect(upper.length, q).toBe(series[0]?.pointlist.length);
      expect(lower.length, q).toBe(upper.length);
      expect(
        upper.every(([t, v], i) => (v as number) >= (lower[i]?.[1] as number) && t === lower[i]?.[0]),
        q,
      ).toBe(true);
      // A noisy week gives a band of some width (rows_updated is seeded at 0: its band is the line).
      if (!q.includes('rows_updated'))
        expect(
          upper.some(([, v], i) => (v as number) > (lower[i]?.[1] as number)),
          q,
        ).toBe(true);
    }
  });

  it('writes a week with a daily and a weekly wave, tagged source:seed on the dashboard host', async () => {
    const to = Math.floor(Date.now() / 1000);
    const { series } = await query(
      `avg:postgresql.rows_fetched{host:${host},${SEED_TAG}}`,
      to - 7 * 86_400,
      to,
    );
    const values = (series[0]?.pointlist ?? []).map(([t, v]) => ({ t: t / 1000, v }));
    expect(values.length).toBeGreaterThan(160); // hourly buckets over the week
    const mean = (keep: (t: number) => boolean) => {
      const vs = values.filter((p) => p.v !== null && keep(p.t)).map((p) => p.v as number);
      return vs.reduce((a, b) => a + b, 0) / vs.length;
    };
    const hour = (t: number) => new Date(t * 1000).getUTCHours();
    const weekend = (t: number) => [0, 6].includes(new Date(t * 1000).getUTCDay());
    expect(mean((t) => !weekend(t) && hour(t) >= 13 && hour(t) < 17)).toBeGreaterThan(
      1.5 * mean((t) => !weekend(t) && hour(t) >= 1 && hour(t) < 5),
    );
    expect(mean((t) => weekend(t))).toBeLessThan(0.75 * mean((t) => !weekend(t)));
  });

  it('seeds once: a second start finds the seeded week and writes nothing', async () => {
    const again = await seedHistory(createApi(env.target), env.config, host);
    expect(again).toEqual({ seeded: false, reason: 'the past week already holds seeded history' });
  });

  it('never seeds with SANDBOX_SEED_HISTORY=0 or against Datadog, and sends no request then', async () => {
    const proxy = await FaultProxy.start(env.sandbox.apiUrl);
    try {
      const off = loadConfig({ env: { ...TEST_ENV, SANDBOX_SEED_HISTORY: '0' }, envFile: false });
      const sandbox = { ...env.target, apiUrl: proxy.url };
      expect(await seedHistory(createApi(sandbox), off, 'other-host')).toEqual({
        seeded: false,
        reason: 'SANDBOX_SEED_HISTORY=0',
      });
      const datadog = { ...sandbox, name: 'datadog' as const };
      expect(await seedHistory(createApi(datadog), env.config, 'other-host')).toEqual({
        seeded: false,
        reason: 'the target is Datadog',
      });
      expect(proxy.count).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
