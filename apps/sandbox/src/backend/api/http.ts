import type { FastifyInstance } from 'fastify';

/** An answer in Datadog's error shape: `{"errors": [...]}` with a status code. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly errors: string[];

  constructor(statusCode: number, errors: string | string[]) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.join('; '));
    this.statusCode = statusCode;
    this.errors = list;
  }
}

export const badRequest = (errors: string | string[]) => new HttpError(400, errors);
export const notFound = (message: string) => new HttpError(404, message);

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Answers 405 (as Datadog does) for the methods a path does not serve. */
export function methodNotAllowed(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const others = METHODS.filter((m) => !allowed.includes(m));
  if (others.length === 0) return;
  app.route({
    method: others,
    url,
    handler: async (_request, reply) => reply.code(405).send({ errors: ['Method Not Allowed'] }),
  });
}

/** Datadog's timestamp format: microseconds and an explicit +00:00 offset. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** A query-string value as one string (the first when repeated). */
export function queryString(value: unknown): string | undefined {
  if (Array.isArray(value)) return queryString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** A query-string integer, with the parameter named when it is not one. */
export function queryInt(value: unknown, name: string): number | undefined {
  const text = queryString(value);
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text))
    throw badRequest(`Invalid value for parameter '${name}': expected an integer, got '${text}'`);
  return Number(text);
}

/** The required `start` and `end` query parameters (UNIX seconds) of the v1 time-range endpoints. */
export function queryTimeRange(q: { readonly start?: unknown; readonly end?: unknown }): {
  start: number;
  end: number;
} {
  const start = queryInt(q.start, 'start');
  const end = queryInt(q.end, 'end');
  if (start === undefined || end === undefined)
    throw badRequest("The parameters 'start' and 'end' are required");
  return { start, end };
}

/** A query-string boolean ('true'/'false'). */
export function queryBool(value: unknown, name: string): boolean | undefined {
  const text = queryString(value);
  if (text === undefined || text === '') return undefined;
  if (text !== 'true' && text !== 'false')
    throw badRequest(`Invalid value for parameter '${name}': expected true or false`);
  return text === 'true';
}
