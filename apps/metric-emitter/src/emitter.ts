import { readFileSync } from 'node:fs';
import { type Config, formatDuration } from '@dd-challenge/config';
import type { Logger } from 'pino';
import { createMetricClient, type MetricClient } from './client.ts';
import { type Clock, startSchedule, type Timers } from './schedule.ts';
import { type RandomSource, randomValue } from './value.ts';

/** The metric the challenge names. */
export const METRIC_NAME = 'my_metric';

/** This package's version: the `version:` tag unless DD_VERSION says otherwise. */
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export interface EmitterOptions {
  readonly config: Config;
  readonly log: Logger;
  /** Default Math.random. */
  readonly random?: RandomSource;
  /** Default Date.now. */
  readonly clock?: Clock;
  /** Default the global setTimeout/clearTimeout. */
  readonly timers?: Timers;
  /** Default a hot-shots client built from config. */
  readonly client?: MetricClient;
}

export interface Emitter {
  /** Points handed to the client so far. */
  readonly sent: number;
  readonly client: MetricClient;
  /** Stops the schedule, waits for the last point to leave, closes the socket. */
  stop(): Promise<void>;
}

/** Starts sending my_metric now and every config.emitter.intervalMs after, without drift. */
export function startEmitter(options: EmitterOptions): Emitter {
  const { config, log } = options;
  const clock = options.clock ?? Date.now;
  const client = options.client ?? createMetricClient({ config, log, clock, version: PACKAGE_VERSION });
  const inFlight = new Set<Promise<void>>();
  let sent = 0;

  log.info(
    { target: client.target, interval: formatDuration(config.emitter.intervalMs) },
    `sending ${METRIC_NAME} every ${formatDuration(config.emitter.intervalMs)} to ${client.target}`,
  );

  const schedule = startSchedule({
    intervalMs: config.emitter.intervalMs,
    clock,
    timers: options.timers,
    onTick: ({ n, nextAt }) => {
      const value = randomValue(options.random);
      const sending = client.gauge(METRIC_NAME, value).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      sent++;
      log.info(
        { metric: METRIC_NAME, value, n, next: new Date(nextAt).toISOString() },
        `${METRIC_NAME}=${value}`,
      );
    },
  });

  let stopping: Promise<void> | undefined;
  return {
    client,
    get sent() {
      return sent;
    },
    stop() {
      stopping ??= (async () => {
        schedule.stop();
        await Promise.all(inFlight);
        await client.close();
        log.debug(
          { sent, sendErrors: client.errorCount },
          `emitter stopped: ${sent} points sent, ${client.errorCount} send errors`,
        );
      })();
      return stopping;
    },
  };
}
