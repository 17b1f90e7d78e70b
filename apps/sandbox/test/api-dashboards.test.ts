import { v1 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slugOf } from '../src/backend/api/dashboards/doc.ts';
import { type ApiTestSandbox, apiFailure, startApiTestSandbox } from './support/api-sandbox.ts';

describe('dashboards API through the official client', () => {
  let t: ApiTestSandbox;
  let api: v1.DashboardsApi;
  beforeAll(async () => {
    t = await startApiTestSandbox();
    api = new v1.DashboardsApi(t.configuration);
  });
  afterAll(() => t.close());

  const body = (): v1.Dashboard => ({
    title: 'Service overview: API & DB',
    layoutType: 'ordered',
    description: 'golden signals',
    defaultTimeframe: { type: 'live', unit: 'hour', value: 4 },
    templateVariables: [{ name: 'env', prefix: 'env', availableValues: ['dev', 'prod'], defaults: ['dev'] }],
    widgets: [
      {
        definition: {
          type: 'timeseries',
          title: 'hits',
          requests: [{ q: 'sum:trace.fastify.request.hits{$env}.as_count()', displayType: 'bars' }],
        },
      },
      {
        definition: {
          type: 'group',
          layoutType: 'ordered',
          widgets: [{ definition: { type: 'note', content: 'hi' } }],
        },
      },
    ],
  });

  it('creates, reads, updates, lists and deletes a dashboard', async () => {
    const created = await api.createDashboard({ body: body() });
    expect(created.id).toMatch(/^[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}$/);
    expect(created.url).toBe(`/dashboard/${created.id}/service-overview-api-db`);
    expect(created.authorHandle).toBe('me@example.com');
    expect(created.createdAt).toBeInstanceOf(Date);
    const widgetIds = created.widgets.map((w) => w.id);
    expect(widgetIds.every((id) => typeof id === 'number' && Number.isSafeInteger(id))).toBe(true);
    const group = created.widgets[1]?.definition as v1.GroupWidgetDefinition;
    expect(typeof group.widgets[0]?.id).toBe('number');
    expect(created.templateVariables?.[0]?.defaults).toEqual(['dev']);
    expect(created.defaultTimeframe).toEqual({ type: 'live', unit: 'hour', value: 4 });

    const got = await api.getDashboard({ dashboardId: created.id as string });
    expect(got.title).toBe('Service overview: API & DB');
    expect(got.widgets.map((w) => w.id)).toEqual(widgetIds);

    const changed = {
      ...body(),
      title: 'Renamed',
      widgets: [{ ...got.widgets[0], definition: got.widgets[0]?.definition }],
    } as v1.Dashboard;
    const updated = await api.updateDashboard({ dashboardId: created.id as string, body: changed });
    expect(updated.title).toBe('Renamed');
    expect(updated.url).toBe(`/dashboard/${created.id}/renamed`);
    expect(updated.widgets[0]?.id).toBe(widgetIds[0]);
    expect(updated.createdAt?.getTime()).toBe(created.createdAt?.getTime());

    const list = await api.listDashboards({ filterShared: false });
    expect(list.dashboards?.map((d) => d.id)).toContain(created.id);
    expect((await api.listDashboards({ filterShared: true })).dashboards).toEqual([]);

    const deleted = await api.deleteDashboard({ dashboardId: created.id as string });
    expect(deleted.deletedDashboardId).toBe(created.id);
    const gone = await apiFailure(() => api.getDashboard({ dashboardId: created.id as string }));
    expect(gone).toEqual({ code: 404, body: { errors: [`Dashboard with ID ${created.id} not found`] } });
    const deletedList = await api.listDashboards({ filterDeleted: true });
    expect(deletedList.dashboards?.[0]?.id).toBe(created.id);
  });

  it('pages the list with start and count', async () => {
    for (let i = 0; i < 3; i++) await api.createDashboard({ body: { ...body(), title: `page ${i}` } });
    const first = await api.listDashboards({ count: 2, start: 0 });
    const second = await api.listDashboards({ count: 2, start: 2 });
    expect(first.dashboards).toHaveLength(2);
    expect(second.dashboards?.length).toBeGreaterThanOrEqual(1);
    expect(first.dashboards?.map((d) => d.id)).not.toContain(second.dashboards?.[0]?.id);
  });

  const post = (payload: unknown) =>
    fetch(`${t.sandbox.apiUrl}/api/v1/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      body: JSON.stringify(payload),
    });

  it.each([
    [{ layout_type: 'ordered', widgets: [] }, "'title' is required"],
    [
      { title: 'x', layout_type: 'grid', widgets: [] },
      `'layout_type' must be one of "ordered", "free"; got "grid"`,
    ],
    [{ title: 'x', layout_type: 'ordered' }, "'widgets' is required"],
    [
      { title: 'x', layout_type: 'ordered', widgets: [{ definition: { type: 'note' } }] },
      "'widgets[0].definition.content' is required",
    ],
    [
      {
        title: 'x',
        layout_type: 'ordered',
        widgets: [{ definition: { type: 'timeseries', requests: 'q' } }],
      },
      "'widgets[0].definition.requests' must be an array, not string",
    ],
    [
      {
        title: 'x',
        layout_type: 'ordered',
        widgets: [],
        default_timeframe: { type: 'live', unit: 'fortnight', value: 1 },
      },
      `'default_timeframe.unit' must be one of "minute", "hour", "day", "week", "month", "year"; got "fortnight"`,
    ],
    [
      {
        title: 'x',
        layout_type: 'ordered',
        widgets: [],
        template_variables: [{ name: 'h', prefix: 'host', default: 'a', defaults: ['a'] }],
      },
      "'template_variables' is invalid",
    ],
  ])('refuses %j with 400 naming the field', async (payload, message) => {
    const res = await post(payload);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors).toContain(message);
  });

  it('answers 400 for malformed JSON, 405 for a wrong method, 403 for bad keys', async () => {
    const bad = await fetch(`${t.sandbox.apiUrl}/api/v1/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      body: '{"title":',
    });
    expect(bad.status).toBe(400);
    const wrong = await fetch(`${t.sandbox.apiUrl}/api/v1/dashboard/abc-def-ghi`, {
      method: 'POST',
      headers: { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
    });
    expect(wrong.status).toBe(405);
    const denied = await apiFailure(() =>
      new v1.DashboardsApi(t.configurationWith('local', 'wrong')).listDashboards(),
    );
    expect(denied).toEqual({ code: 403, body: { errors: ['Forbidden'] } });
  });

  it('slugs titles like Datadog', () => {
    expect(slugOf('Test-Create_a_new_dashboard 1 with Profile Metrics')).toBe(
      'test-createanewdashboard-1-with-profile-metrics',
    );
    expect(slugOf('x'.repeat(100))).toHaveLength(80);
    expect(slugOf('')).toBe('');
  });
});
