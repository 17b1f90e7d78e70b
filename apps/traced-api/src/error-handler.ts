import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from './db/errors.ts';
import { sendProblem } from './problem.ts';

/** Seconds a client should wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 1;
/** While the database is down, one warning this often (the 503s between them at debug). */
export const UNAVAILABLE_WARNING_EVERY_MS = 30_000;

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `body.title`, `querystring.limit`, `params.id`: the field an ajv issue is about. */
function fieldOf(context: string | undefined, issue: ValidationIssue): string {
  const path = issue.instancePath.split('/').filter(Boolean);
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
    path.push(issue.params.missingProperty);
  }
  if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
    path.push(issue.params.additionalProperty);
  }
  return [context ?? 'request', ...path].join('.');
}

function describeIssue(issue: ValidationIssue): string {
  if (issue.keyword === 'additionalProperties') return 'is not allowed';
  if (issue.keyword === 'required') return 'is required';
  return issue.message ?? 'is invalid';
}

/**
 * The one place errors become answers: validation -> 400 naming each field, database
 * unavailable -> 503 with Retry-After, other client errors -> their status, anything else ->
 * 500 without internals. Server-side failures are logged with the request's context.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  let warnedAt = Number.NEGATIVE_INFINITY;
  let quiet = 0;
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const errors = (error.validation as ValidationIssue[]).map((issue) => ({
        field: fieldOf(error.validationContext, issue),
        message: describeIssue(issue),
      }));
      const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
      return sendProblem(reply, 400, detail, { errors });
    }
    if (isDatabaseUnavailable(error)) {
      const now = Date.now();
      if (now - warnedAt >= UNAVAILABLE_WARNING_EVERY_MS) {
        const since = quiet > 0 ? ` (${quiet} more since the last warning)` : '';
        request.log.warn({ err: error, suppressed: quiet }, `database unavailable, answering 503${since}`);
        warnedAt = now;
        quiet = 0;
      } else {
        quiet++;
        request.log.debug({ err: error }, 'database unavailable, answering 503');
      }
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return sendProblem(reply, 503, 'The database is unavailable; retry shortly.');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, status, error.message);
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 500, 'An unexpected error occurred.');
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
