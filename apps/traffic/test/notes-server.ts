import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface Seen {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly status: number;
}

export interface NotesServer {
  readonly url: string;
  readonly port: number;
  readonly seen: Seen[];
  /** Requests other than the readiness probe. */
  traffic(): Seen[];
  close(): Promise<void>;
}

/**
 * traced-api's routes as CONTRACTS.md states them, in memory, recording every request:
 * enough for traffic to run against without Postgres or the tracer.
 */
export async function startNotesServer(port = 0, existingNotes = 0): Promise<NotesServer> {
  const seen: Seen[] = [];
  const notes = new Map<number, { id: number; title: string; body: string }>();
  let nextId = 1;
  for (; nextId <= existingNotes; nextId++)
    notes.set(nextId, { id: nextId, title: `note ${nextId}`, body: '' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body?: unknown) => {
        seen.push({
          at: Date.now(),
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          status,
        });
        const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, {
          'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        });
        res.end(text);
      };
      const texts: Record<string, string> = {
        '/': 'Entrypoint to the Application',
        '/api/apm': 'Getting APM Started',
        '/api/trace': 'Posting Traces',
        '/healthz': 'ok',
        '/readyz': 'ok',
      };
      const byId = /^\/api\/notes\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && texts[url.pathname]) return send(200, texts[url.pathname]);
      if (url.pathname === '/api/notes' && req.method === 'POST') {
        let body: { title?: unknown; body?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString());
        } catch {
          return send(400, { error: 'body is not JSON' });
        }
        if (typeof body.title !== 'string' || body.title === '')
          return send(400, { error: 'title is required' });
        const note = { id: nextId++, title: body.title, body: String(body.body ?? '') };
        notes.set(note.id, note);
        return send(201, note);
      }
      if (url.pathname === '/api/notes' && req.method === 'GET') {
        const limit = Number(url.searchParams.get('limit') ?? 20);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) {
          return send(400, { error: 'limit must be 1..100 and offset a whole number' });
        }
        const items = [...notes.values()].reverse().slice(offset, offset + limit);
        return send(200, { items, total: notes.size, limit, offset });
      }
      if (byId && (req.method === 'GET' || req.method === 'DELETE')) {
        const id = Number(byId[1]);
        const note = notes.get(id);
        if (!note) return send(404, { error: 'note not found' });
        if (req.method === 'DELETE') {
          notes.delete(id);
          return send(204);
        }
        return send(200, note);
      }
      return send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    seen,
    traffic: () => seen.filter((s) => s.path !== '/readyz'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
