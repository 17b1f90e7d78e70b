import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../../context.ts';
import type { MonitorEngine } from '../monitors/engine.ts';

/** What the API's routes read: the sandbox's context and its running monitor engine. */
export interface ApiContext extends SandboxContext {
  /** Previews and evaluation errors of the /sandbox/monitors routes. */
  readonly monitors: MonitorEngine;
}

/** One resource's routes: a Fastify plugin that routes.ts registers with `{ ctx }`. */
export type RoutePlugin = FastifyPluginAsync<{ readonly ctx: ApiContext }>;
