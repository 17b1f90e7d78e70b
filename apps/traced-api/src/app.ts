import type { Config } from '@dd-challenge/config';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { migrate } from './db/migrate.ts';
import { registerErrorHandling } from './error-handler.ts';
import { createNotesRepository } from './notes/notes-repository.ts';
import { notesRoutes } from './notes/notes-routes.ts';
import { RequestLines } from './request-lines.ts';
import { challengeRoutes } from './routes/challenge.ts';
import { healthRoutes } from './routes/health.ts';

export interface AppDeps {
  /** The database; the app migrates it when ready and never ends it (its owner does). */
  pool: pg.Pool;
}

/**
 * The traced-api application without a listener: routes, schemas, error handling. server.ts
 * adds the logger, timeouts and listen; tests call app.inject().
 */
export function buildApp(config: Config, deps: AppDeps, server: FastifyServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logController: new RequestLines(),
    ...server,
    // Reject unknown fields with a 400 naming them instead of silently dropping them.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
  });
  app.decorate('config', config);
  registerErrorHandling(app);
  app.addHook('onReady', () => migrate(deps.pool));
  app.register(challengeRoutes);
  app.register(healthRoutes, { pool: deps.pool });
  app.register(notesRoutes, { notes: createNotesRepository(deps.pool) });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}
