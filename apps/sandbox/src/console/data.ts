/**
 * The console's same-origin data route. The browser never holds keys: the page asks
 * /sandbox/console/query and the server forwards to the API's own GET /api/v1/query with the
 * sandbox's local keys (the same route, validation and evaluator a client gets).
 */
import { parse } from '@dd-challenge/metric-query';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.ts';

/** GET /sandbox/console/query?query&from&to[&interval]: /api/v1/query's answer, plus where a parse error is. */
export function dataRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/sandbox/console/query', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const query = q.query ?? '';
    if (query.trim() !== '') {
      const parsed = parse(query);
      if (!parsed.ok) {
        const { from, to, message } = parsed.error;
        return reply.code(400).send({
          errors: [`Error parsing query: ${message} (at character ${from})`],
          position: { from, to, message },
        });
      }
    }
    const params = new URLSearchParams();
    for (const key of ['query', 'from', 'to', 'interval']) {
      const v = q[key];
      if (typeof v === 'string') params.set(key, v);
    }
    const answer = await app.inject({
      method: 'GET',
      url: `/api/v1/query?${params}`,
      headers: {
        'dd-api-key': ctx.config.sandbox.apiKey.reveal(),
        'dd-application-key': ctx.config.sandbox.appKey.reveal(),
      },
    });
    return reply.code(answer.statusCode).header('content-type', 'application/json').send(answer.body);
  });

  app.get('/sandbox/console/now', async () => ({ now: ctx.clock.now() }));
}
