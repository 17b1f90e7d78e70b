/**
 * What the API server does for every route, whatever its resource: an empty body sent with a
 * JSON content type reads as no body, bad JSON and Fastify's own refusals answer in Datadog's
 * error shape, compressed bodies are read on every route.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { type ApiTestSandbox, startApiTestSandbox } from './support/api-sandbox.ts';

const KEYS = { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('API server: bodies and errors on every route', () => {
  let api: ApiTestSandbox;
  const call = (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Buffer } = {},
  ) => fetch(`${api.sandbox.apiUrl}${path}`, { method, ...init, headers: { ...KEYS, ...init.headers } });

  beforeAll(async () => {
    api = await startApiTestSandbox({ clock: new ManualClock(Date.UTC(2026, 0, 5, 12)) });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('reads an empty JSON body as none on Datadog, sandbox and console routes alike', async () => {
    const created = await call('POST', '/api/v1/dashboard', {
      headers: JSON_TYPE,
      body: JSON.stringify({ title: 'empty bodies', layout_type: 'ordered', widgets: [] }),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };

    const deleted = await call('DELETE', `/api/v1/dashboard/${id}`, { headers: JSON_TYPE, body: '' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted_dashboard_id: id });

    // A control route: no body needed, none given.
    const flushed = await call('POST', '/sandbox/metrics/flush', { headers: JSON_TYPE, body: '' });
    expect(flushed.status).toBe(200);
    expect(await flushed.json()).toHaveProperty('points');

    // A route that needs a body says what it expected, not that the parser choked.
    const preview = await call('POST', '/sandbox/monitors/preview', { headers: JSON_TYPE, body: '' });
    expect(preview.status).toBe(400);
    expect(await preview.json()).toEqual({
      errors: ['expected a JSON body {monitor: {query, message, options}, from, to}'],
    });

    const series = await call('POST', '/api/v2/series', { headers: JSON_TYPE, body: '  ' });
    expect(series.status).toBe(400);
    expect(await series.json()).toEqual({ errors: ['series must be an array'] });
  });

  it('answers bad JSON with a 400 that says so, in Datadog shape, on every route', async () => {
    for (const path of ['/api/v1/monitor', '/api/v2/series', '/sandbox/monitors/preview']) {
      const res = await call('POST', path, { headers: JSON_TYPE, body: '{"name": ' });
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { errors: string[] };
      expect(body.errors, path).toHaveLength(1);
      expect(body.errors[0], path).toMatch(/^Request body is not valid JSON: /);
    }
    const gz = await call('POST', '/api/v1/monitor', {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip'),
    });
    expect(gz.status).toBe(400);
    expect(await gz.json()).toEqual({ errors: ['Request body is not valid gzip'] });
  });

  it('reads gzip bodies on resource routes, not only on series intake', async () => {
    const body = gzipSync(JSON.stringify({ title: 'zipped', layout_type: 'ordered', widgets: [] }));
    const res = await call('POST', '/api/v1/dashboard', {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { title: string }).title).toBe('zipped');
  });

  it("answers Fastify's own refusals (media type, body size) and unknown paths in Datadog shape", async () => {
    const xml = await call('POST', '/api/v1/dashboard', {
      headers: { 'content-type': 'application/xml' },
      body: '<dashboard/>',
    });
    expect(xml.status).toBe(415);
    const media = (await xml.json()) as { errors: string[] };
    expect(media.errors).toHaveLength(1);
    expect(media.errors[0]).toMatch(/media type/i);

    const big = await call('POST', '/sandbox/monitors/preview', {
      headers: JSON_TYPE,
      body: JSON.stringify({ pad: 'x'.repeat(11 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { errors: string[] }).errors).toHaveLength(1);

    const missing = await call('GET', '/api/v1/nothing-here?x=1');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: ['Not found: GET /api/v1/nothing-here'] });
  });

  it('gives series intake more room than other bodies', async () => {
    // 11 MB: over the server's 10 MB, under the series routes' own limit.
    const points = [[1_767_614_400, 1.5]];
    const res = await call('POST', '/api/v1/series', {
      headers: JSON_TYPE,
      body: JSON.stringify({
        series: [{ metric: 'big.body', points, padding: 'x'.repeat(11 * 1024 * 1024) }],
      }),
    });
    expect(res.status).toBe(202);
  });
});
