import { client, v1, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, KEYS, query, testSandbox, values } from './helpers.ts';

describe('series intake through the official MetricsApi', () => {
  let t: Awaited<ReturnType<typeof testSandbox>>;
  let configuration: ReturnType<typeof client.createConfiguration>;
  const now = Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    t = await testSandbox();
    configuration = client.createConfiguration({
      baseServer: new client.BaseServerConfiguration(t.sandbox.apiUrl, {}),
      authMethods: { apiKeyAuth: 'local', appKeyAuth: 'local' },
      enableRetry: false,
    });
  });
  afterAll(() => t.close());

  it('v2 submitMetrics keeps past points with their timestamps; the query API returns them', async () => {
    const api = new v2.MetricsApi(configuration);
    const points = [3, 2, 1].map((hoursAgo, i) => ({
      timestamp: now - hoursAgo * 3600,
      value: 10 * (i + 1),
    }));
    const res = await api.submitMetrics({
      body: {
        series: [
          {
            metric: 'api.history',
            type: 3,
            points,
            tags: ['source:test'],
            resources: [{ name: 'history-host', type: 'host' }],
          },
          { metric: 'api.count', type: 1, interval: 60, points: [{ timestamp: now - 600, value: 42 }] },
        ],
      },
      contentEncoding: 'gzip',
    });
    expect(res.errors).toEqual([]);
    const { status, body } = await query(
      t.sandbox.apiUrl,
      'avg:api.history{source:test} by {host}',
      now - 4 * 3600,
      now,
    );
    expect(status).toBe(200);
    expect(values(body)).toEqual([10, 20, 30]);
    expect(body.series[0]?.tag_set).toEqual(['host:history-host']);
    const [count] = [...t.ctx.metrics.series('api.count', now - 3600, now)];
    expect(count).toMatchObject({ type: 'count', interval: 60 });
    expect(count?.tags).toContain(`host:${HOST}`);
    expect(count?.tags).toContain('role:database');
  });

  it('v1 submitMetrics with [timestamp, value] points and a host', async () => {
    const api = new v1.MetricsApi(configuration);
    const res = await api.submitMetrics({
      body: {
        series: [
          {
            metric: 'api.v1',
            points: [
              [now - 120, 1.5],
              [now - 60, 2.5],
            ],
            host: 'v1-host',
            tags: ['a:b'],
            type: 'gauge',
          },
        ],
      },
    });
    expect(res.status).toBe('ok');
    const { body } = await query(t.sandbox.apiUrl, 'max:api.v1{host:v1-host}', now - 600, now);
    expect(values(body)).toEqual([1.5, 2.5]);
  });

  it('refuses a wrong API key with 403 and a bad payload with 400 naming the field', async () => {
    const bad = client.createConfiguration({
      baseServer: new client.BaseServerConfiguration(t.sandbox.apiUrl, {}),
      authMethods: { apiKeyAuth: 'wrong', appKeyAuth: 'local' },
      enableRetry: false,
    });
    await expect(
      new v2.MetricsApi(bad).submitMetrics({
        body: { series: [{ metric: 'x', points: [{ timestamp: now, value: 1 }] }] },
      }),
    ).rejects.toMatchObject({ code: 403 });
    const res = await fetch(`${t.sandbox.apiUrl}/api/v2/series`, {
      method: 'POST',
      headers: { ...KEYS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ series: [{ metric: 'x', points: [{ timestamp: 'yesterday', value: 1 }] }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: ['series[0].points[0] must be {timestamp, value} numbers'] });
  });

  it('answers query syntax errors with 400 and Datadog error shape', async () => {
    const { status, body } = await query(t.sandbox.apiUrl, 'avg:api.v1{', now - 600, now);
    expect(status).toBe(400);
    expect(body.errors[0]).toMatch(/Error parsing query/);
    const missing = await fetch(`${t.sandbox.apiUrl}/api/v1/query?from=1&query=avg:x{*}`, { headers: KEYS });
    expect(missing.status).toBe(400);
  });
});
