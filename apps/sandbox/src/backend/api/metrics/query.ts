import type { SeriesSource } from '@dd-challenge/metric-query';
import * as metricQuery from '@dd-challenge/metric-query';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../../../context.ts';

type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: { from: number; to: number; message: string } };
type Evaluate = (
  query: string,
  options: { source: SeriesSource; from: number; to: number; interval?: number },
) => ParseResult<unknown>;

/** metric-query's evaluate (looked up at run time: the package grows beside this one). */
function evaluator(): Evaluate | undefined {
  const fn = (metricQuery as Record<string, unknown>).evaluate;
  return typeof fn === 'function' ? (fn as Evaluate) : undefined;
}

function seconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Math.floor(Number(v));
}

/**
 * GET /api/v1/query?from&to&query: the timeseries query API in Datadog's response shape,
 * evaluated by @dd-challenge/metric-query over ctx.metrics. Bad parameters and query syntax
 * errors answer 400 {"errors":["..."]} as Datadog does.
 */
export function queryRoute(app: FastifyInstance, ctx: SandboxContext): void {
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
    if (problems.length > 0) return reply.code(400).send({ errors: problems });
    const evaluate = evaluator();
    if (!evaluate)
      return reply.code(501).send({ errors: ['The query evaluator is not available in this build'] });
    const interval = seconds(q.interval);
    const result = evaluate(query as string, {
      source: ctx.metrics,
      from: from as number,
      to: to as number,
      ...(interval ? { interval } : {}),
    });
    if (!result.ok) {
      const { message, from: at } = result.error;
      return reply.code(400).send({ errors: [`Error parsing query: ${message} (at character ${at})`] });
    }
    return result.value;
  });
}
