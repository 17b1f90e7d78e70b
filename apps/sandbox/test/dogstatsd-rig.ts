// A DogStatsD parser on its own store, aggregator and counters, as the sandbox wires them (for
// tests and the benchmark that drive the UDP server without a whole sandbox).
import pino from 'pino';
import { Aggregator, type AggregatorOptions } from '../src/agent/dogstatsd/aggregator.ts';
import { IntakeBus } from '../src/agent/dogstatsd/events.ts';
import { DogStatsDParser } from '../src/agent/dogstatsd/parser.ts';
import { startDogStatsD } from '../src/agent/dogstatsd/server.ts';
import { IntakeStats } from '../src/agent/stats.ts';
import { HostRegistry } from '../src/backend/hosts.ts';
import { MetricStore } from '../src/backend/metrics/store.ts';
import type { Clock } from '../src/clock.ts';

export function dogstatsdRig(
  options: { clock?: Clock; host?: string; tags?: string[]; aggregator?: AggregatorOptions } = {},
) {
  const store = new MetricStore();
  const aggregator = new Aggregator(store, options.aggregator);
  const stats = new IntakeStats();
  const bus = new IntakeBus();
  const hosts = new HostRegistry(options.host ?? 'rig-host', options.tags ?? []);
  const clock = options.clock ?? { now: () => Date.now() };
  const parser = new DogStatsDParser({ aggregator, store, hosts, stats, bus, clock });
  /** The UDP server on a free loopback port, fed to this parser (startDogStatsD's other options). */
  const listen = (
    more: Omit<Parameters<typeof startDogStatsD>[0], 'parser' | 'stats' | 'log' | 'host' | 'port'> & {
      host?: string;
      port?: number;
      log?: Parameters<typeof startDogStatsD>[0]['log'];
    } = {},
  ) => startDogStatsD({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), ...more, parser, stats });
  return { store, aggregator, stats, bus, hosts, clock, parser, listen };
}
