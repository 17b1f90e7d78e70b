import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { DogStatsDParser } from '../dogstatsd/parser.ts';
import { releaseFreeHeapPages } from '../heap-release.ts';
import { IdleRelease } from '../idle-release.ts';
import type { IntakeStats } from '../stats.ts';
import { type DecodedBatch, decodeV04Columns, decodeV05Columns } from './decode.ts';
import { type KeySet, keySets } from './keys.ts';
import { SPAN_STRS, TraceDecodeError } from './span.ts';
import type { TraceStore } from './store.ts';
import type { TraceMetrics } from './trace-metrics.ts';

/** The trace-agent's default receiver limit (apm_config.max_payload_size, 25 MiB). */
export const MAX_REQUEST_BYTES = 25 * 1024 * 1024;

export interface TraceServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface TraceServerDeps {
  readonly traces: TraceStore;
  readonly traceMetrics: TraceMetrics;
  readonly parser: DogStatsDParser;
  readonly stats: IntakeStats;
  readonly clock: Clock;
  readonly log: Logger;
  readonly env: string;
  readonly dogstatsdPort: number;
  readonly maxRequestBytes?: number;
}

class TooLarge extends Error {}

const POOLED_MIN = 64 * 1024;
const POOLED_MAX_BYTES = 32 * 1024 * 1024;
const POOL_IDLE_MS = 10_000;

/**
 * Buffers for trace bodies, reused: a new multi-MB Buffer per request is external memory, and V8
 * answers its growth with full (mark-compact) collections (36 of them in a 4 s benchmark run).
 * Bodies are decoded synchronously and nothing keeps a view of them, so a buffer is free again
 * once its request is answered. Bounded; emptied after 10 s without trace bodies.
 */
class BodyPool {
  readonly #free: Buffer[] = [];
  /** The buffers handed out, by their memory (a body is a view of one; weak: a request may fail). */
  readonly #out = new WeakMap<ArrayBufferLike, Buffer>();
  #bytes = 0;
  readonly #idle = new IdleRelease(POOL_IDLE_MS, () => {
    this.#free.length = 0;
    this.#bytes = 0;
    // The burst is over (the decoder's arrays went a moment ago): V8's pooled pages too.
    releaseFreeHeapPages();
  });

  take(n: number): Buffer {
    if (n < POOLED_MIN) return Buffer.allocUnsafe(n);
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i] as Buffer;
      if (b.length >= n) {
        this.#free.splice(i, 1);
        this.#bytes -= b.length;
        this.#out.set(b.buffer, b);
        return b;
      }
    }
    // Whole MiBs, so one buffer serves bodies of slightly different sizes.
    const b = Buffer.allocUnsafe(Math.ceil(n / 1048576) * 1048576);
    this.#out.set(b.buffer, b);
    return b;
  }

  /** Gives back a buffer from take (or a view of one). */
  give(view: Buffer): void {
    const b = this.#out.get(view.buffer);
    if (b === undefined) return;
    this.#out.delete(view.buffer);
    if (this.#bytes + b.length > POOLED_MAX_BYTES) return;
    this.#free.push(b);
    this.#bytes += b.length;
    this.#idle.touch();
  }
}

function readBody(req: IncomingMessage, limit: number, pool?: BodyPool): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new TooLarge());
      return;
    }
    // A declared length: the chunks are copied into one buffer of that size as they arrive.
    const whole =
      declared >= 0 && declared <= limit
        ? pool === undefined
          ? Buffer.allocUnsafe(declared)
          : pool.take(declared)
        : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      if (whole !== undefined && size + chunk.length <= declared) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        reject(new TooLarge());
        req.resume();
      }
    });
    req.on('end', () => {
      if (whole === undefined) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      else
        resolve(
          chunks.length === 0 ? whole.subarray(0, size) : Buffer.concat([whole.subarray(0, size), ...chunks]),
        );
    });
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The endpoints the trace-agent advertises in /info (those the sandbox serves). */
const ENDPOINTS = [
  '/v0.4/traces',
  '/v0.5/traces',
  '/v0.6/stats',
  '/telemetry/proxy/',
  '/dogstatsd/v2/proxy',
  '/info',
];

/**
 * The trace intake on its own port, as the trace-agent answers dd-trace: traces (v0.4, v0.5)
 * with rate_by_service, /info, /v0.7/config 404 (remote config off), telemetry and stats
 * accepted, DogStatsD over HTTP (/dogstatsd/v2/proxy). Bodies over the limit get 413, bodies that
 * do not decode 400 naming the problem.
 */
export async function startTraceServer(
  host: string,
  port: number,
  deps: TraceServerDeps,
): Promise<TraceServer> {
  const limit = deps.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const services = new Set<string>();
  const bodies = new BodyPool();
  const rates = (): Record<string, number> => {
    const out: Record<string, number> = { 'service:,env:': 1 };
    for (const key of services) out[key] = 1;
    return out;
  };

  // rate_by_service keys: the last root's service and env, so a repeated pair costs no string.
  let lastService = '';
  let lastEnv = '';
  const tops: number[] = [];
  const accept = (b: DecodedBatch): void => {
    if (b.chunks === 0) return;
    const now = deps.clock.now();
    deps.traceMetrics.advance();
    const { nums, strs, numAt, strAt } = b;
    let from = 0;
    for (let c = 0; c < b.chunks; c++) {
      const to = b.chunkEnd[c] as number;
      if (to === from) continue;
      deps.traces.addDecoded(b, from, to, now);
      deps.stats.traces++;
      deps.stats.spans += to - from;
      const count = deps.traceMetrics.addChunk(b, from, to, tops);
      for (let k = 0; k < count; k++) {
        const i = tops[k] as number;
        const n = numAt[i] as number;
        const s = strAt[i] as number;
        deps.traces.countResource(
          strs[s + 1] as string,
          strs[s] as string,
          strs[s + 2] as string,
          nums[n + 4] as number,
          nums[n + 6] as number,
          now,
        );
      }
      // The root: the span with parent 0, else the first.
      let root = from;
      for (let i = from; i < to; i++) {
        const n = numAt[i] as number;
        if (nums[n + 2] === 0 && nums[n + 3] === 0) {
          root = i;
          break;
        }
      }
      const n = numAt[root] as number;
      const s = strAt[root] as number;
      const ks = keySets[nums[n + 7] as number] as KeySet;
      const service = strs[s + 1] as string;
      const env = ks.env >= 0 ? (strs[s + SPAN_STRS + ks.env] as string) : deps.env;
      if (service !== lastService || env !== lastEnv) {
        lastService = service;
        lastEnv = env;
        const key = `service:${service},env:${env}`;
        if (!services.has(key) && services.size < 1000) services.add(key);
      }
      from = to;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    if ((path === '/v0.4/traces' || path === '/v0.5/traces') && (method === 'PUT' || method === 'POST')) {
      deps.stats.traceRequests++;
      let body: Buffer;
      try {
        body = await readBody(req, limit, bodies);
      } catch (error) {
        if (error instanceof TooLarge) {
          deps.stats.error('trace payload too large');
          res.setHeader('Connection', 'close');
          return json(res, 413, { errors: [`payload exceeds the ${limit} byte limit`] });
        }
        throw error;
      }
      try {
        if (body.length > 0)
          accept(path === '/v0.4/traces' ? decodeV04Columns(body) : decodeV05Columns(body));
      } catch (error) {
        if (error instanceof TraceDecodeError) {
          deps.stats.error('undecodable trace payload');
          return json(res, 400, { errors: [error.message] });
        }
        throw error;
      } finally {
        bodies.give(body);
      }
      return json(res, 200, { rate_by_service: rates() });
    }
    if (path === '/info' && method === 'GET') {
      return json(res, 200, {
        version: '7.60.0-sandbox',
        git_commit: 'sandbox',
        endpoints: ENDPOINTS,
        feature_flags: [],
        client_drop_p0s: false,
        span_meta_structs: false,
        long_running_spans: false,
        span_events: false,
        evp_proxy_allowed_headers: [],
        config: {
          default_env: deps.env,
          receiver_port: (server.address() as AddressInfo | null)?.port ?? port,
          statsd_port: deps.dogstatsdPort,
          max_request_bytes: limit,
        },
        peer_tags: [],
      });
    }
    if (path === '/v0.7/config') {
      req.resume();
      return json(res, 404, { errors: ['remote configuration is not served by the sandbox'] });
    }
    if (path === '/dogstatsd/v2/proxy' && method === 'POST') {
      let body: Buffer;
      try {
        body = await readBody(req, limit);
      } catch (error) {
        if (error instanceof TooLarge) return json(res, 413, { errors: ['payload too large'] });
        throw error;
      }
      deps.parser.parse(body);
      return json(res, 200, {});
    }
    if (
      (path.startsWith('/telemetry/proxy/') || path === '/v0.6/stats') &&
      (method === 'POST' || method === 'PUT')
    ) {
      try {
        await readBody(req, limit);
      } catch (error) {
        if (error instanceof TooLarge) return json(res, 413, { errors: ['payload too large'] });
        throw error;
      }
      return json(res, 202, {});
    }
    req.resume();
    json(res, 404, { errors: [`Not found: ${method} ${path}`] });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.log.error({ err: error, url: req.url }, 'trace intake request failed');
      if (!res.headersSent) json(res, 500, { errors: ['Internal Server Error'] });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  deps.stats.listeners.push({ name: 'traces', protocol: 'http', address: `${host}:${bound}` });
  return {
    host,
    port: bound,
    url: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
