import { v1 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestSandbox, apiFailure, startApiTestSandbox } from './support/api-sandbox.ts';

describe('monitors API through the official client', () => {
  let t: ApiTestSandbox;
  let api: v1.MonitorsApi;
  beforeAll(async () => {
    t = await startApiTestSandbox();
    api = new v1.MonitorsApi(t.configuration);
  });
  afterAll(() => t.close());

  const metricMonitor = (name = 'CPU high'): v1.Monitor => ({
    name,
    type: 'metric alert',
    query: 'avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 80',
    message: '{{#is_alert}}CPU at {{value}} on {{host.name}}{{/is_alert}} @me@example.com',
    tags: ['team:core', 'env:prod'],
    options: { thresholds: { critical: 80, warning: 60 }, notifyNoData: true, noDataTimeframe: 10 },
  });

  it('answers a metric alert as a query alert with Datadog defaults and No Data', async () => {
    const created = await api.createMonitor({ body: metricMonitor() });
    expect(Number.isInteger(created.id)).toBe(true);
    expect(created.type).toBe('query alert');
    expect(created.overallState).toBe('No Data');
    expect(created.multi).toBe(true);
    expect(created.options?.newHostDelay).toBe(300);
    expect(created.options?.includeTags).toBe(true);
    expect(created.options?.notifyAudit).toBe(false);
    expect(created.options?.notifyNoData).toBe(true);
    expect(created.options?.thresholds).toEqual({ critical: 80, warning: 60 });
    expect(created.creator?.handle).toBe('me@example.com');

    const got = await api.getMonitor({ monitorId: created.id as number });
    expect(got.query).toBe(created.query);

    const updated = await api.updateMonitor({
      monitorId: created.id as number,
      body: { name: 'CPU very high', options: { thresholds: { critical: 80 } } },
    });
    expect(updated.name).toBe('CPU very high');
    expect(updated.message).toBe(created.message);
    expect(updated.options?.thresholds).toEqual({ critical: 80 });
    expect(updated.options?.newHostDelay).toBe(300);

    expect(await api.deleteMonitor({ monitorId: created.id as number })).toEqual({
      deletedMonitorId: created.id,
    });
    const gone = await apiFailure(() => api.getMonitor({ monitorId: created.id as number }));
    expect(gone).toEqual({ code: 404, body: { errors: ['Monitor not found'] } });
  });

  it('adds the query threshold as critical when thresholds are absent', async () => {
    const created = await api.createMonitor({
      body: { type: 'query alert', name: 'load', query: 'max(last_1m):avg:system.load.1{*} >= 4' },
    });
    expect(created.options?.thresholds?.critical).toBe(4);
    expect(created.multi).toBe(false);
  });

  it("refuses bad queries and thresholds with Datadog's wording", async () => {
    const noOperator = await apiFailure(() =>
      api.createMonitor({ body: { type: 'log alert', query: 'query' } }),
    );
    expect(noOperator).toEqual({
      code: 400,
      body: { errors: ["The value provided for parameter 'query' is invalid: invalid operator specified: "] },
    });
    const badMetric = await apiFailure(() =>
      api.createMonitor({ body: { type: 'metric alert', name: 'x', query: 'avg(last_5m):avg:{*} > 1' } }),
    );
    expect(badMetric.code).toBe(400);
    expect(badMetric.body.errors?.[0]).toMatch(/^The value provided for parameter 'query' is invalid: /);
    const mismatch = await apiFailure(() =>
      api.createMonitor({
        body: { ...metricMonitor(), options: { thresholds: { critical: 90 } } },
      }),
    );
    expect(mismatch.body.errors).toEqual([
      'Alert threshold (90) does not match that used in the query (80).',
    ]);
    const res = await fetch(`${t.sandbox.apiUrl}/api/v1/monitor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      body: JSON.stringify({ type: 'metric alert', query: 'avg(last_5m):avg:m{*} > 1', priority: 'high' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors).toEqual([
      "'priority' must be a number, not string",
    ]);
    const missingType = await fetch(`${t.sandbox.apiUrl}/api/v1/monitor/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      body: JSON.stringify({ query: 'avg(last_5m):avg:m{*} > 1' }),
    });
    expect(((await missingType.json()) as { errors: string[] }).errors).toEqual(["'type' is required"]);
  });

  it('validates bodies, for new and existing monitors', async () => {
    expect(await api.validateMonitor({ body: metricMonitor() })).toEqual({});
    const created = await api.createMonitor({ body: metricMonitor('to validate') });
    expect(
      await api.validateExistingMonitor({ monitorId: created.id as number, body: metricMonitor() }),
    ).toEqual({});
    const missing = await apiFailure(() =>
      api.validateExistingMonitor({ monitorId: 1, body: metricMonitor() }),
    );
    expect(missing.code).toBe(404);
  });

  it('lists with name, monitor_tags, tags and paging; searches; checks can_delete', async () => {
    const a = await api.createMonitor({ body: { ...metricMonitor('List alpha'), tags: ['svc:a'] } });
    const b = await api.createMonitor({ body: { ...metricMonitor('List beta'), tags: ['svc:b'] } });
    expect((await api.listMonitors({ name: 'list alpha' })).map((m) => m.id)).toEqual([a.id]);
    expect((await api.listMonitors({ monitorTags: 'svc:b' })).map((m) => m.id)).toEqual([b.id]);
    expect((await api.listMonitors({ tags: 'env:prod' })).map((m) => m.id)).toEqual(
      expect.arrayContaining([a.id, b.id]),
    );
    expect(await api.listMonitors({ page: 0, pageSize: 1 })).toHaveLength(1);

    const search = await api.searchMonitors({ query: 'tag:"svc:a" alpha' });
    expect(search.monitors?.map((m) => m.id)).toEqual([a.id]);
    expect(search.metadata?.totalCount).toBe(1);
    expect(search.monitors?.[0]?.status).toBe('No Data');

    const composite = await api.createMonitor({
      body: { type: 'composite', name: 'both', query: `${a.id} && ${b.id}`, message: 'x' },
    });
    // 409 comes back as a body (the client types it): nothing deletable, the reason per id.
    const check = await api.checkCanDeleteMonitor({ monitorIds: [a.id as number] });
    expect(check.data.ok).toEqual([]);
    expect(check.errors?.[String(a.id)]?.[0]).toMatch(/referenced in composite monitors/);
    await api.deleteMonitor({ monitorId: composite.id as number });
    const ok = await api.checkCanDeleteMonitor({ monitorIds: [a.id as number, b.id as number] });
    expect(ok.data.ok).toEqual([a.id, b.id]);
  });

  it('shows the state the monitor engine writes through store.monitors.writeState', async () => {
    const created = await api.createMonitor({ body: metricMonitor('stateful') });
    const id = created.id as number;
    const at = Date.UTC(2026, 0, 1, 12);
    const written = t.sandbox.context.store.monitors.writeState(id, {
      at,
      overallState: 'Alert',
      groups: {
        'host:a': {
          name: 'host:a',
          status: 'Alert',
          last_triggered_ts: at / 1000,
          last_notified_ts: at / 1000,
          last_resolved_ts: null,
          last_nodata_ts: null,
          value: 93,
        },
      },
      transitions: [{ at, group: 'host:a', from: 'No Data', to: 'Alert', value: 93 }],
    });
    expect(written).toBe(true);
    const got = await api.getMonitor({ monitorId: id, groupStates: 'all' });
    expect(got.overallState).toBe('Alert');
    expect(got.state?.groups?.['host:a']?.status).toBe('Alert');
    expect(t.sandbox.context.store.monitors.history(id)).toEqual([
      { at, group: 'host:a', from: 'No Data', to: 'Alert', value: 93 },
    ]);
    // An API update keeps the state; a missing monitor is reported, not created.
    await api.updateMonitor({ monitorId: id, body: { message: 'new' } });
    expect((await api.getMonitor({ monitorId: id })).overallState).toBe('Alert');
    expect(t.sandbox.context.store.monitors.writeState(1, { at, overallState: 'OK', groups: {} })).toBe(
      false,
    );
  });

  it('answers 405 for a wrong method and 403 without the application key', async () => {
    const res = await fetch(`${t.sandbox.apiUrl}/api/v1/monitor/validate`, {
      headers: { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
    });
    expect(res.status).toBe(405);
    const denied = await apiFailure(() =>
      new v1.MonitorsApi(t.configurationWith('nope', 'local')).listMonitors(),
    );
    expect(denied.code).toBe(403);
  });
});
