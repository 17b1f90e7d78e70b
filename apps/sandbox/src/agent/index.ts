import type { DatabaseSync } from 'node:sqlite';
import type { Config } from '@dd-challenge/config';
import { HostRegistry } from '../backend/hosts.ts';
import { Metrics } from '../backend/metrics/metrics.ts';
import type { Clock } from '../clock.ts';
import type { SandboxContext } from '../context.ts';
import { AgentAggregation } from './aggregation.ts';
import { startChecks } from './checks/index.ts';
import { Aggregator } from './dogstatsd/aggregator.ts';
import { IntakeBus } from './dogstatsd/events.ts';
import { DogStatsDIntake } from './dogstatsd/intake.ts';
import { startDogStatsD } from './dogstatsd/server.ts';
import { IntakeStats } from './stats.ts';
import { startTraceIntake } from './traces/server.ts';
import { TraceStore } from './traces/store.ts';
import { TraceMetrics } from './traces/trace-metrics.ts';

/** What the Agent side adds to SandboxContext (the fields are documented there). */
export type AgentState = Pick<SandboxContext, 'metrics' | 'agent' | 'hosts' | 'traces' | 'intake'>;

/** Makes the Agent side's shared state (nothing listens yet). */
export function agentState(
  config: Config,
  options: { db: DatabaseSync; clock: Clock; hostname: string; maxSpans?: number },
): AgentState {
  const { clock, hostname } = options;
  const hosts = new HostRegistry(hostname, config.hostTags);
  const metrics = new Metrics({ db: options.db, retentionMs: config.sandbox.retentionMs, hosts, clock });
  const traceMetrics = new TraceMetrics({ env: config.service.env, hostname, hostTags: config.hostTags });
  return {
    hosts,
    metrics,
    agent: new AgentAggregation({ dogstatsd: new Aggregator(), traces: traceMetrics, metrics, clock }),
    traces: new TraceStore(options.maxSpans ?? 100_000),
    intake: { stats: new IntakeStats(), bus: new IntakeBus(), checks: [] },
  };
}

export interface RunningAgent {
  readonly dogstatsd: { readonly host: string; readonly port: number };
  readonly traceUrl: string;
  readonly tracePort: number;
  close(): Promise<void>;
}

/**
 * Starts the Agent side: DogStatsD on UDP, the trace intake, the host and postgres checks, and
 * the 1 s tick that writes the buckets the clock has left. Ports 0 pick free ones. close() stops
 * listening, then writes every open bucket.
 */
export async function startAgent(
  ctx: SandboxContext,
  ports: { dogstatsd?: number | undefined; traces?: number | undefined; checks?: boolean } = {},
): Promise<RunningAgent> {
  const { config, log } = ctx;
  const host = config.sandbox.host;
  const intake = new DogStatsDIntake({
    aggregator: ctx.agent.dogstatsd,
    hosts: ctx.hosts,
    stats: ctx.intake.stats,
    bus: ctx.intake.bus,
    clock: ctx.clock,
  });
  // DogStatsD events land in the events resource, as the Agent forwards them to Datadog.
  ctx.intake.bus.onEvent((e) => {
    try {
      ctx.store.events.add(
        {
          title: e.title,
          text: e.text,
          date_happened: e.date_happened,
          priority: e.priority,
          alert_type: e.alert_type,
          host: e.host,
          aggregation_key: e.aggregation_key ?? null,
          source_type_name: e.source_type_name ?? null,
          related_event_id: null,
          device_name: null,
          tags: [...e.tags],
        },
        ctx.clock.now(),
      );
    } catch (error) {
      log.error({ err: error }, 'could not store a DogStatsD event');
    }
  });
  const onPacket = (packet: Buffer) => intake.packet(packet);
  const dogstatsd = await startDogStatsD({
    host,
    port: ports.dogstatsd ?? config.agent.dogstatsdPort,
    recvBufferSize: config.agent.dogstatsdSoRcvbuf,
    onPacket,
    stats: ctx.intake.stats,
    log,
  });
  const traces = await startTraceIntake({
    host,
    port: ports.traces ?? config.agent.traceAgentPort,
    traces: ctx.traces,
    traceMetrics: ctx.agent.traces,
    onDogStatsD: onPacket,
    stats: ctx.intake.stats,
    clock: ctx.clock,
    log,
    env: config.service.env,
    dogstatsdPort: dogstatsd.port,
  });
  const checks = ports.checks === false ? undefined : startChecks(ctx);
  const tick = setInterval(() => {
    try {
      ctx.agent.tick();
    } catch (error) {
      log.error({ err: error }, 'metric flush failed');
    }
  }, 1000);
  tick.unref();
  return {
    dogstatsd: { host, port: dogstatsd.port },
    traceUrl: traces.url,
    tracePort: traces.port,
    async close() {
      clearInterval(tick);
      await checks?.close();
      await traces.close();
      await dogstatsd.close();
      ctx.agent.flush();
    },
  };
}
