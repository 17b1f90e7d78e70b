import { client } from '@datadog/datadog-api-client';
import type { Api } from './client.ts';

/** A call to one of the sandbox's own /sandbox/ routes, through the same transport as the client. */
export async function sandboxCall<T>(
  api: Api,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const request = new client.RequestContext(`${api.target.apiUrl}${path}`, method as client.HttpMethod);
  if (body !== undefined) {
    request.setHeaderParam('Content-Type', 'application/json');
    request.setBody(JSON.stringify(body));
  }
  const response = await api.http.send(request);
  const text = await response.body.text();
  if (response.httpStatusCode >= 400) {
    throw new client.ApiException(response.httpStatusCode, JSON.parse(text || '{}'));
  }
  return JSON.parse(text) as T;
}

/**
 * "Now" as the target sees it, in ms: the sandbox's clock may run faster than real time
 * (SANDBOX_CLOCK_SPEED), and its points carry its time; Datadog runs on real time.
 */
export async function targetNow(api: Api): Promise<number> {
  if (api.target.name !== 'sandbox') return Date.now();
  const health = await sandboxCall<{ now?: string }>(api, 'GET', '/sandbox/health');
  const ms = health.now ? Date.parse(health.now) : Number.NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}
