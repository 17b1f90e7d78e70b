import { promisify } from 'node:util';
import { gunzip, inflate, zstdDecompress } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from './errors.ts';

const decoders = new Map<string, (body: Buffer) => Promise<Buffer>>([
  ['gzip', promisify(gunzip)],
  ['deflate', promisify(inflate)],
  ['zstd', promisify(zstdDecompress)],
]);

async function jsonBody(request: FastifyRequest, raw: Buffer): Promise<unknown> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decode = decoders.get(encoding);
  let body = raw;
  if (decode) {
    try {
      body = await decode(raw);
    } catch {
      throw badRequest(`Request body is not valid ${encoding}`);
    }
  }
  const text = body.toString('utf8');
  // A DELETE or a bodyless POST sent with a JSON content type: no body, as Datadog reads it.
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The server's one JSON parser, for every route: `application/json` and `text/json`, gzip,
 * deflate or zstd per Content-Encoding (as the Agent and the official client send series), an
 * empty body read as none, bad JSON a 400 that says so.
 */
export function jsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'text/json'],
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer) => jsonBody(request, body),
  );
}
