import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../../context.ts';
import { registerDashboardRoutes } from './dashboards/routes.ts';
import { registerDowntimeRoutes } from './downtimes/routes.ts';
import { registerEventRoutes } from './events/routes.ts';
import { HttpError } from './http.ts';
import { registerMonitorRoutes } from './monitors/routes.ts';
import { registerRoleRoutes } from './roles/routes.ts';
import type { ApiPart } from './server.ts';
import { registerSnapshotRoutes } from './snapshots/routes.ts';

/** JSON bodies; an empty body (DELETE with a JSON content type) reads as none, like Datadog. */
function jsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new HttpError(400, 'Invalid JSON in the request body'), undefined);
    }
  });
}

/** Datadog's resource APIs: dashboards, monitors, downtimes, events, graph snapshots. */
export const datadogApi: ApiPart = async (app, ctx: SandboxContext) => {
  await app.register(async (scope) => {
    jsonBodies(scope);
    scope.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      if (error instanceof HttpError) return reply.code(error.statusCode).send({ errors: error.errors });
      const status = error.statusCode ?? 500;
      if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
      return reply.code(status).send({ errors: [status >= 500 ? 'Internal Server Error' : error.message] });
    });
    registerDashboardRoutes(scope, ctx);
    registerMonitorRoutes(scope, ctx);
    registerDowntimeRoutes(scope, ctx);
    registerEventRoutes(scope, ctx);
    registerRoleRoutes(scope, ctx);
    registerSnapshotRoutes(scope, ctx);
  });
};
