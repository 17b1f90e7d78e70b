import { timingSafeEqual } from 'node:crypto';
import type { Secret } from '@dd-challenge/config';
import type { FastifyReply, FastifyRequest } from 'fastify';

function same(given: unknown, expected: Secret): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected.reveal());
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Datadog's key check: /api/* needs DD-API-KEY and DD-APPLICATION-KEY (series and event intake
 * need only the API key, as on the real site). Datadog answers 403 {"errors":["Forbidden"]}.
 */
export function apiKeyGuard(keys: { apiKey: Secret; appKey: Secret }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/api/')) return;
    const apiOnly =
      /^\/api\/v[12]\/(series|validate)(\?|$)/.test(request.url) ||
      (request.method === 'POST' && /^\/api\/v[12]\/events(\?|$)/.test(request.url));
    const apiOk = same(request.headers['dd-api-key'], keys.apiKey);
    const appOk = apiOnly || same(request.headers['dd-application-key'], keys.appKey);
    if (!apiOk || !appOk) {
      return reply.code(403).send({ errors: ['Forbidden'] });
    }
  };
}
