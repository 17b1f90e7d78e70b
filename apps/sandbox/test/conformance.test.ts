import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestSandbox, startApiTestSandbox } from './support/api-sandbox.ts';

/**
 * Conformance checks in the manner of a replay of recorded API traffic, with bodies written for this
 * project: status codes, the fields (and JSON types) Datadog answers with, echoed values and
 * kind/state fields, over raw HTTP as any client would send it.
 */
const HEADERS = { 'content-type': 'application/json', 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' };

type Shape = Record<string, 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null' | 'string|null'>;

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function expectShape(body: Record<string, unknown>, shape: Shape): void {
  const got = Object.fromEntries(
    Object.keys(shape).map((k) => {
      const t = typeOf(body[k]);
      return [k, shape[k] === 'string|null' && (t === 'string' || t === 'null') ? 'string|null' : t];
    }),
  );
  expect(got).toEqual(shape);
}

describe('conformance with bodies of our own', () => {
  let t: ApiTestSandbox;
  beforeAll(async () => {
    t = await startApiTestSandbox();
  });
  afterAll(() => t.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.sandbox.apiUrl}${path}`, {
      method,
      headers: HEADERS,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  };

  it('dashboards: create answers 200 with Datadog fields, delete twice answers 200 then 404', async () => {
    const title = 'Checkout latency (p95) & errors';
    const created = await call('POST', '/api/v1/dashboard', {
      title,
      layout_type: 'free',
      widgets: [
        { definition: { type: 'free_text', text: 'hello' }, layout: { x: 0, y: 0, width: 4, height: 2 } },
      ],
    });
    expect(created.status).toBe(200);
    expectShape(created.body, {
      id: 'string',
      title: 'string',
      description: 'null',
      author_handle: 'string',
      layout_type: 'string',
      url: 'string',
      is_read_only: 'boolean',
      template_variables: 'null',
      widgets: 'array',
      notify_list: 'null',
      created_at: 'string',
      modified_at: 'string',
      restricted_roles: 'array',
    });
    expect(created.body.layout_type).toBe('free');
    expect(created.body.title).toBe(title);
    expect(created.body.url).toBe(`/dashboard/${created.body.id}/checkout-latency-p95-errors`);
    expect(created.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const id = created.body.id as string;
    expect(await call('DELETE', `/api/v1/dashboard/${id}`)).toEqual({
      status: 200,
      body: { deleted_dashboard_id: id },
    });
    expect(await call('DELETE', `/api/v1/dashboard/${id}`)).toEqual({
      status: 404,
      body: { errors: [`Dashboard with ID ${id} not found`] },
    });
  });

  it('monitors: a metric alert comes back as a query alert with the full Datadog shape', async () => {
    const created = await call('POST', '/api/v1/monitor', {
      name: 'Disk almost full',
      type: 'metric alert',
      query: 'max(last_10m):max:system.disk.in_use{*} by {host,device} > 0.9',
      message: 'disk {{value}} @me@example.com',
      tags: ['team:infra'],
      priority: 2,
    });
    expect(created.status).toBe(200);
    expectShape(created.body, {
      id: 'number',
      org_id: 'number',
      type: 'string',
      name: 'string',
      message: 'string',
      tags: 'array',
      query: 'string',
      options: 'object',
      multi: 'boolean',
      created_at: 'number',
      created: 'string',
      modified: 'string',
      deleted: 'null',
      priority: 'number',
      restricted_roles: 'null',
      overall_state_modified: 'null',
      overall_state: 'string',
      creator: 'object',
    });
    expect([created.body.type, created.body.overall_state, created.body.multi]).toEqual([
      'query alert',
      'No Data',
      true,
    ]);
    expect(created.body.options).toEqual({
      notify_no_data: false,
      notify_audit: false,
      new_host_delay: 300,
      include_tags: true,
      thresholds: { critical: 0.9 },
      silenced: {},
    });
    const id = created.body.id as number;
    expect(await call('DELETE', `/api/v1/monitor/${id}`)).toEqual({
      status: 200,
      body: { deleted_monitor_id: id },
    });
    expect(await call('GET', `/api/v1/monitor/${id}`)).toEqual({
      status: 404,
      body: { errors: ['Monitor not found'] },
    });
  });

  it('downtimes: JSON:API create, list meta, cancel 204 twice, unknown 404', async () => {
    const created = await call('POST', '/api/v2/downtime', {
      data: {
        type: 'downtime',
        attributes: {
          scope: 'env:staging AND service:(api OR worker)',
          monitor_identifier: { monitor_tags: ['*'] },
        },
      },
    });
    expect(created.status).toBe(200);
    const data = created.body.data as Record<string, any>;
    expectShape(data, { type: 'string', id: 'string', attributes: 'object', relationships: 'object' });
    expectShape(data.attributes, {
      canceled: 'null',
      created: 'string',
      display_timezone: 'string',
      message: 'null',
      modified: 'string',
      monitor_identifier: 'object',
      mute_first_recovery_notification: 'boolean',
      notify_end_states: 'array',
      notify_end_types: 'array',
      schedule: 'object',
      scope: 'string',
      status: 'string',
    });
    expect(created.body.included?.[0]?.type).toBe('users');
    const list = await call('GET', '/api/v2/downtime');
    expect(list.body.meta).toEqual({ page: { total_filtered_count: 1 } });
    expect((await call('DELETE', `/api/v2/downtime/${data.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/v2/downtime/${data.id}`)).status).toBe(204);
    expect(await call('GET', '/api/v2/downtime/00000000-0000-0000-0000-000000000000')).toEqual({
      status: 404,
      body: { errors: ['Downtime not found'] },
    });
  });

  it('events: 202 with the v1 event shape', async () => {
    const posted = await call('POST', '/api/v1/events', {
      title: 'Backup done',
      text: 'nightly',
      tags: ['job:backup'],
    });
    expect(posted.status).toBe(202);
    expect(posted.body.status).toBe('ok');
    expectShape(posted.body.event, {
      id: 'number',
      id_str: 'string',
      title: 'string',
      text: 'string',
      date_happened: 'number',
      handle: 'null',
      priority: 'null',
      related_event_id: 'null',
      tags: 'array',
      url: 'string',
    });
  });

  it('answers 405 for wrong methods on every resource path', async () => {
    for (const [method, path] of [
      ['PUT', '/api/v1/dashboard'],
      ['POST', '/api/v1/monitor/123'],
      ['PUT', '/api/v2/downtime'],
      ['PUT', '/api/v1/events'],
      ['POST', '/api/v1/graph/snapshot'],
    ] as const) {
      const res = await call(method, path, {});
      expect([method, path, res.status]).toEqual([method, path, 405]);
    }
  });
});
