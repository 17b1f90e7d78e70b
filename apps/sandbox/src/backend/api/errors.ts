import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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

/**
 * The server's one error handler, in Datadog's shape `{"errors": [...]}`: an HttpError answers
 * its own list, another error with a 4xx status (Fastify's: body too large, bad media type...)
 * its message. Anything else is a 500 that says nothing of its cause; the cause goes to the log
 * with the request it failed.
 */
export function errorHandler(
  error: FastifyError | HttpError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof HttpError) return reply.code(error.statusCode).send({ errors: error.errors });
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status < 500) return reply.code(status).send({ errors: [error.message] });
  request.log.error(
    { err: error, method: request.method, url: request.url, route: request.routeOptions.url },
    'request failed',
  );
  return reply.code(status).send({ errors: ['Internal Server Error'] });
}

/** Datadog's 404 for a path no route serves. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ errors: [`Not found: ${request.method} ${request.url.split('?')[0]}`] });
}
