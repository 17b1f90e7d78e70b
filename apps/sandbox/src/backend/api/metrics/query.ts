import { evaluate } from '@dd-challenge/metric-query';
import type { RoutePlugin } from '../plugin.ts';

function seconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Math.floor(Number(v));
}

/**
 * GET /api/v1/query?from&to&query: the timeseries query API in Datadog's response shape,
 * evaluated by @dd-challenge/metric-query over ctx.metrics. Bad parameters and query syntax
 * errors answer 400 {"errors":["..."]} as Datadog does.
 */
export const queryRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/api/v1/query', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const from = seconds(q.from);
    const to = seconds(q.to);
    const query = typeof q.query === 'string' ? q.query : undefined;
    const problems: string[] = [];
    if (from === undefined)
      problems.push("The value provided for parameter 'from' is invalid: UNIX seconds expected");
    if (to === undefined)
      problems.push("The value provided for parameter 'to' is invalid: UNIX seconds expected");
    if (query === undefined || query.trim() === '') problems.push("Missing required parameter 'query'");
    if (from !== undefined && to !== undefined && from > to) problems.push("'from' must be before 'to'");
    if (problems.length > 0 || from === undefined || to === undefined || query === undefined)
      return reply.code(400).send({ errors: problems });
    const interval = seconds(q.interval);
    const result = evaluate(query, { source: ctx.metrics, from, to, ...(interval ? { interval } : {}) });
    if (!result.ok) {
      const { message, from: at } = result.error;
      return reply.code(400).send({ errors: [`Error parsing query: ${message} (at character ${at})`] });
    }
    return result.value;
  });
};
