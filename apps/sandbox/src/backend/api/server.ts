import { createRequire } from 'node:module';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { SandboxContext } from '../../context.ts';
import { apiKeyGuard } from './auth.ts';

// Fastify builds its JSON-schema compilers (ajv, fast-json-stringify: ~100 modules) when the
// server is made; no route here declares a schema, so they load only if one ever does.
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
function lazyFactory<F extends (...args: never[]) => unknown>(name: string): F {
  let factory: F | undefined;
  return ((...args: Parameters<F>) => {
    factory ??= (fastifyRequire(name) as () => F)();
    return factory(...args);
  }) as F;
}

/** A part of the sandbox that serves routes on the API port (API resources, inspection, console). */
export type ApiPart = (app: FastifyInstance, ctx: SandboxContext) => Promise<void> | void;

/**
 * The API + console server: Datadog's key check on /api/*, Datadog's error shape, and the
 * parts' routes. Control and inspection routes live under /sandbox/, never among Datadog's paths.
 */
export async function buildApiServer(
  ctx: SandboxContext,
  parts: readonly ApiPart[],
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ part: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 10 * 1024 * 1024,
    // Datadog's API accepts repeated and bracketed query keys (filter[shared]); keep them verbatim.
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: {
      compilersFactory: {
        buildValidator: lazyFactory<NonNullable<Compilers['buildValidator']>>('@fastify/ajv-compiler'),
        buildSerializer: lazyFactory<NonNullable<Compilers['buildSerializer']>>(
          '@fastify/fast-json-stringify-compiler',
        ),
      },
    },
  });
  app.addHook('onRequest', apiKeyGuard(ctx.config.sandbox));

  app.get('/api/v1/validate', async () => ({ valid: true }));
  app.get('/sandbox/health', async () => ({ status: 'ok', now: new Date(ctx.clock.now()).toISOString() }));

  for (const part of parts) await part(app, ctx);

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ errors: [`Not found: ${request.method} ${request.url.split('?')[0]}`] });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    reply.code(status).send({ errors: [status >= 500 ? 'Internal Server Error' : error.message] });
  });
  return app;
}
