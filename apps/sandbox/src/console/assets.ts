/**
 * The console's static files: its own CSS and ES modules (src/console/static) and uPlot's
 * distribution files from node_modules, so the console works offline (no CDN).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
/** Beside this file when run from source; the source folder when run from dist (tsc copies no assets). */
const STATIC_DIR = [join(here, 'static'), join(here, '../../src/console/static')].find((d) =>
  existsSync(d),
) as string;
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Files by their public name: ours, and uPlot's module and stylesheet. */
function locate(name: string): string | undefined {
  if (name === 'uPlot.esm.js' || name === 'uPlot.min.css') return join(UPLOT_DIR, name);
  if (!/^[a-z][a-z0-9-]*\.(js|css)$/.test(name)) return undefined;
  const file = join(STATIC_DIR, name);
  return existsSync(file) ? file : undefined;
}

/** GET /sandbox/console/static/<file>. */
export function assetRoutes(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/sandbox/console/static/:file', async (request, reply) => {
    const file = locate(request.params.file);
    if (!file) return reply.code(404).send({ errors: [`No console asset ${request.params.file}`] });
    const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    return reply.header('content-type', type).header('cache-control', 'no-cache').send(readFileSync(file));
  });
}
