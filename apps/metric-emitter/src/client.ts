import type { Config } from '@dd-challenge/config';
import { StatsD } from 'hot-shots';
import type { Logger } from 'pino';
import type { Clock } from './schedule.ts';

/** What the emitter needs from a DogStatsD client; hot-shots behind it in the app and the tests. */
export interface MetricClient {
  /** Where datagrams go, for logs: `udp://127.0.0.1:8125`. */
  readonly target: string;
  /** Sends one gauge; resolves once the datagram is handed to the socket. Never rejects. */
  gauge(name: string, value: number): Promise<void>;
  /** Send errors so far (each one counted; logged at most once a minute). */
  readonly errorCount: number;
  /** Waits for in-flight datagrams, then closes the socket. */
  close(): Promise<void>;
}

/** How often a send error is logged at most: a dead Agent must not flood the log. */
export const ERROR_LOG_EVERY_MS = 60_000;

/** The tags on my_metric: host tags (DD_TAGS), unified service tags, and host only if set. */
export function metricTags(config: Config, version: string): string[] {
  const tags = [
    ...config.hostTags,
    `env:${config.service.env}`,
    `service:${config.emitter.service}`,
    `version:${config.service.version ?? version}`,
  ];
  // The Agent (or the sandbox) stamps its own host name, as in production; a host: tag
  // overrides it, so it is only added when DD_HOSTNAME asks for it.
  if (config.hostname) tags.push(`host:${config.hostname}`);
  return tags;
}

export interface ClientOptions {
  readonly config: Config;
  readonly version: string;
  readonly log: Logger;
  readonly clock?: Clock;
}

/**
 * A hot-shots client configured from the project's settings only: UDP to DD_AGENT_HOST:
 * DD_DOGSTATSD_PORT. Everything hot-shots would otherwise read from process.env on its own is
 * switched off or given explicitly, so what the config says is what is sent.
 */
export function createMetricClient(options: ClientOptions): MetricClient {
  const { config, log } = options;
  const clock = options.clock ?? Date.now;
  const target = `udp://${config.agent.host}:${config.agent.dogstatsdPort}`;

  let errorCount = 0;
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  const onError = (error: Error) => {
    errorCount++;
    unlogged++;
    const now = clock();
    if (now - lastLoggedAt < ERROR_LOG_EVERY_MS) return;
    log.warn(
      { err: error.message, target, errors: errorCount, sinceLastLog: unlogged },
      'DogStatsD send failed; still sending (logged at most once a minute)',
    );
    lastLoggedAt = now;
    unlogged = 0;
  };

  const statsd = new StatsD({
    protocol: 'udp',
    host: config.agent.host,
    port: config.agent.dogstatsdPort,
    // A host name (`datadog-agent` in compose) is resolved once a minute, not per send.
    cacheDns: true,
    globalTags: metricTags(config, options.version),
    // hot-shots would add DD_ENV/DD_SERVICE/DD_VERSION/DD_TAGS from process.env itself: the
    // tags above already say what the config decided (service:metric-emitter, not traced-api).
    includeDataDogTags: false,
    // No origin-detection field (|c:) and no client telemetry datagrams: one point, one exact
    // datagram.
    datadog: false,
    includeDatadogTelemetry: false,
    // One point per interval: buffering only delays it.
    maxBufferSize: 0,
    errorHandler: (error) => onError(error),
  });

  const send = (name: string, value: number) =>
    new Promise<Error | undefined>((resolve) => {
      try {
        statsd.gauge(name, value, (error?: Error) => resolve(error ?? undefined));
      } catch (error) {
        resolve(error as Error);
      }
    });

  return {
    target,
    get errorCount() {
      return errorCount;
    },
    async gauge(name, value) {
      const error = await send(name, value);
      if (error) onError(error);
    },
    close() {
      return new Promise<void>((resolve) => {
        try {
          statsd.close((error?: Error) => {
            if (error) onError(error);
            resolve();
          });
        } catch (error) {
          onError(error as Error);
          resolve();
        }
      });
    },
  };
}
