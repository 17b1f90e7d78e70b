import Fastify, {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RouteOptions,
} from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { IntakeStats } from '../stats.ts';
import { decodeV04, decodeV05 } from './decode.ts';
import { type Span, TraceDecodeError } from './span.ts';
import type { TraceStore } from './store.ts';
import type { TraceMetrics } from './trace-metrics.ts';

/** The trace-agent's default receiver limit (apm_config.max_payload_size, 25 MiB). */
export const MAX_REQUEST_BYTES = 25 * 1024 * 1024;

export interface TraceIntakeOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly traces: TraceStore;
  readonly traceMetrics: TraceMetrics;
  /** DogStatsD packets sent over HTTP (/dogstatsd/v2/proxy). */
  readonly onDogStatsD: (payload: Buffer) => void;
  readonly stats: IntakeStats;
  readonly clock: Clock;
  readonly log: Logger;
  /** The env of traces without an `env` tag (DD_ENV). */
  readonly env: string;
  readonly dogstatsdPort: number;
  readonly maxRequestBytes?: number;
}

export interface TraceIntake {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
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

/** At most this many rate_by_service keys (a client making up services would grow it forever). */
const MAX_RATE_KEYS = 1000;

/**
 * The trace intake on its own port, as the trace-agent answers dd-trace: traces (v0.4, v0.5)
 * with rate_by_service, /info, /v0.7/config 404 (remote config off), telemetry and stats accepted
 * and discarded, DogStatsD over HTTP. Bodies over the limit get 413, bodies that are not traces
 * 400 naming the problem.
 */
export async function startTraceIntake(options: TraceIntakeOptions): Promise<TraceIntake> {
  const { traces, traceMetrics, stats, clock, env } = options;
  const limit = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  // Every service and env seen, sampled at 1 (the sandbox keeps everything).
  const rates: Record<string, number> = { 'service:,env:': 1 };
  let rateKeys = 1;

  const accept = (chunks: Span[][]): void => {
    const now = clock.now();
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      traces.add(chunk, now);
      traceMetrics.add(chunk, now);
      stats.traces++;
      stats.spans += chunk.length;
      const root = chunk.find((s) => s.parent_id === '0') ?? (chunk[0] as Span);
      const key = `service:${root.service},env:${root.meta.env ?? env}`;
      if (rates[key] === undefined && rateKeys < MAX_RATE_KEYS) {
        rates[key] = 1;
        rateKeys++;
      }
    }
  };

  const tracesRoute = (decode: (body: Uint8Array) => Span[][]) => ({
    onRequest: async () => {
      stats.traceRequests++;
    },
    handler: async (request: FastifyRequest) => {
      const body = request.body as Buffer | undefined;
      if (body !== undefined && body.length > 0) accept(decode(body));
      return { rate_by_service: rates };
    },
  });

  const accepted = async (_request: FastifyRequest, reply: FastifyReply) => reply.code(202).send({});

  const routes: RouteOptions[] = [
    { method: ['PUT', 'POST'], url: '/v0.4/traces', ...tracesRoute(decodeV04) },
    { method: ['PUT', 'POST'], url: '/v0.5/traces', ...tracesRoute(decodeV05) },
    {
      method: 'GET',
      url: '/info',
      handler: async () => ({
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
          default_env: env,
          receiver_port: port,
          statsd_port: options.dogstatsdPort,
          max_request_bytes: limit,
        },
        peer_tags: [],
      }),
    },
    {
      method: ['GET', 'POST'],
      url: '/v0.7/config',
      handler: async (_request, reply) =>
        reply.code(404).send({ errors: ['remote configuration is not served by the sandbox'] }),
    },
    { method: ['PUT', 'POST'], url: '/v0.6/stats', handler: accepted },
    { method: ['PUT', 'POST'], url: '/telemetry/proxy/*', handler: accepted },
    {
      method: 'POST',
      url: '/dogstatsd/v2/proxy',
      handler: async (request) => {
        const body = request.body as Buffer | undefined;
        if (body !== undefined && body.length > 0) options.onDogStatsD(body);
        return {};
      },
    },
  ];

  const app = Fastify({
    // Fastify's own lines ("Server listening at") only when debugging: the sandbox says where it listens.
    loggerInstance: options.log.child(
      { part: 'traces' },
      { level: options.log.isLevelEnabled('debug') ? options.log.level : 'warn' },
    ) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limit,
    // dd-trace keeps its connection to the Agent open between flushes.
    keepAliveTimeout: 65_000,
  });
  // Every body as raw bytes: msgpack traces, DogStatsD text, telemetry JSON (discarded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  for (const route of routes) app.route(route);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ errors: [`Not found: ${request.method} ${request.url.split('?')[0]}`] }),
  );
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const isTraces = request.url.startsWith('/v0.4/traces') || request.url.startsWith('/v0.5/traces');
    if (error instanceof TraceDecodeError) {
      stats.error('undecodable trace payload');
      return reply.code(400).send({ errors: [error.message] });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      if (isTraces) stats.error('trace payload too large');
      return reply.code(413).send({ errors: [`payload exceeds the ${limit} byte limit`] });
    }
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'trace intake request failed');
    return reply.code(status).send({ errors: [status >= 500 ? 'Internal Server Error' : error.message] });
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  stats.listeners.push({ name: 'traces', protocol: 'http', address: `${options.host}:${port}` });
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${shown}:${port}`, port, close: () => app.close() };
}
