import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { apiKeyGuard } from './auth.ts';
import { jsonBodies } from './body.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import type { ApiContext } from './plugin.ts';
import { routePlugins } from './routes.ts';

/**
 * The API + console server: Datadog's key check on /api/*, one JSON body parser, Datadog's
 * error shape, then every route plugin of routes.ts. What is set here, before the plugins, holds
 * in all of them. Control and inspection routes live under /sandbox/, never among Datadog's paths.
 */
export async function buildApiServer(ctx: ApiContext): Promise<FastifyInstance> {
  const app = Fastify({
    // Fastify's own lines ("Server listening at") only when debugging: the sandbox says where it listens.
    loggerInstance: ctx.log.child(
      { part: 'api' },
      { level: ctx.log.isLevelEnabled('debug') ? ctx.log.level : 'warn' },
    ) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 10 * 1024 * 1024,
    // `/api/v1/monitor/` is served as `/api/v1/monitor`.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.addHook('onRequest', apiKeyGuard(ctx.config.sandbox));
  jsonBodies(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  for (const plugin of routePlugins) await app.register(plugin, { ctx });
  return app;
}
