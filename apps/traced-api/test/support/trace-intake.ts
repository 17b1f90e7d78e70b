import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';

/** A span as dd-trace sends it in a v0.4 payload; 64-bit ids stay exact as BigInt. */
export interface Span {
  trace_id: bigint;
  span_id: bigint;
  parent_id: bigint;
  name: string;
  resource: string;
  service: string;
  type?: string;
  error: number | bigint;
  start: bigint | number;
  duration: bigint | number;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

export interface TraceIntake {
  /** Base URL to give dd-trace as DD_TRACE_AGENT_URL. */
  url: string;
  /** Every span received so far, in arrival order. */
  spans(): Span[];
  /** Counts of payloads received per path (traces, telemetry, dogstatsd proxy, ...). */
  requests: Map<string, number>;
  /** DogStatsD lines dd-trace posted to /dogstatsd/v2/proxy (runtime metrics). */
  metricLines(): string[];
  /** Resolves with the spans once `predicate` holds, polling until `timeoutMs`. */
  waitFor(predicate: (spans: Span[]) => boolean, timeoutMs?: number): Promise<Span[]>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A stand-in trace agent on a free loopback port: decodes `PUT /v0.4/traces` (msgpack, an
 * array of traces, each an array of spans) and answers like the Agent with rate_by_service.
 * Remote config answers 404 (disabled); everything else is accepted and counted. Spans are
 * kept in memory: for tests, not for long runs (pass decode: false to only count requests).
 */
export async function startTraceIntake(options: { decode?: boolean } = {}): Promise<TraceIntake> {
  const decodeSpans = options.decode ?? true;
  const received: Span[] = [];
  const requests = new Map<string, number>();
  const metrics: string[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const body = await readBody(req);
    if (path === '/v0.4/traces') {
      // The benchmark only counts payloads: decoding would take CPU from the app under test.
      if (decodeSpans) {
        const traces = decode(body, { useBigInt64: true }) as Span[][];
        for (const trace of traces) received.push(...trace);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ rate_by_service: { 'service:,env:': 1 } }));
      return;
    }
    if (path === '/dogstatsd/v2/proxy') {
      if (metrics.length < 10_000) metrics.push(...body.toString('utf8').split('\n').filter(Boolean));
      res.writeHead(202).end();
      return;
    }
    if (path === '/v0.7/config') {
      res.writeHead(404).end();
      return;
    }
    if (path === '/info') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ endpoints: ['/v0.4/traces', '/dogstatsd/v2/proxy'] }));
      return;
    }
    res.writeHead(202).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    requests,
    metricLines: () => [...metrics],
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`trace intake: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [...received];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
