import type { Config } from '@dd-challenge/config';
import { HostRegistry } from '../backend/hosts.ts';
import { Metrics } from '../backend/metrics/metrics.ts';
import type { SandboxContext } from '../context.ts';
import { type CheckStatus, startChecks } from './checks/index.ts';
import { IntakeBus } from './dogstatsd/events.ts';
import { DogStatsDParser } from './dogstatsd/parser.ts';
import { startDogStatsD, type UdpReceiverKind } from './dogstatsd/server.ts';
import { IntakeStats } from './stats.ts';
import { startTraceServer } from './traces/server.ts';
import { TraceStore } from './traces/store.ts';
import { TraceMetrics } from './traces/trace-metrics.ts';

/** What the Agent side adds to SandboxContext. */
export interface AgentState {
  /** The metric store (SeriesSource) with the DogStatsD aggregator and checkpoint. */
  readonly metrics: Metrics;
  /** Host name -> { ip, tags } ({{host.ip}} in monitor messages). */
  readonly hosts: HostRegistry;
  /** Recent traces, bounded by spans. */
  readonly traces: TraceStore;
  /** Intake counters, DogStatsD events and service checks, check statuses. */
  readonly intake: { readonly stats: IntakeStats; readonly bus: IntakeBus; checks: CheckStatus[] };
}

/** Makes the Agent side's shared state (nothing listens yet). */
export function agentState(
  config: Config,
  dataDir: string,
  hostname: string,
  maxSpans = 100_000,
): AgentState {
  const hosts = new HostRegistry(hostname, config.hostTags);
  return {
    hosts,
    metrics: new Metrics({ dataDir, retentionMs: config.sandbox.retentionMs, hosts }),
    traces: new TraceStore(maxSpans),
    intake: { stats: new IntakeStats(), bus: new IntakeBus(), checks: [] },
  };
}

export interface RunningAgent {
  readonly dogstatsd: {
    readonly host: string;
    readonly port: number;
    readonly socketPath: string | undefined;
    readonly receiver: UdpReceiverKind;
  };
  readonly traceUrl: string;
  readonly tracePort: number;
  close(): Promise<void>;
}

/**
 * Starts the Agent side: replays the metric checkpoint, listens for DogStatsD (UDP, and the Unix
 * socket when DD_DOGSTATSD_SOCKET is set) and traces, runs the host and postgres checks.
 * Ports 0 pick free ones. close() stops listening, then flushes and snapshots the metrics.
 */
export async function startAgent(
  ctx: SandboxContext,
  ports: {
    dogstatsd?: number | undefined;
    traces?: number | undefined;
    socketPath?: string | undefined;
    checks?: boolean;
  } = {},
): Promise<RunningAgent> {
  const { config, log } = ctx;
  const host = config.sandbox.host;
  ctx.metrics.open(ctx.clock, log.child({ part: 'metrics' }));
  const parser = new DogStatsDParser({
    aggregator: ctx.metrics.aggregator,
    store: ctx.metrics.store,
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
  const dogstatsd = await startDogStatsD({
    host,
    port: ports.dogstatsd ?? config.agent.dogstatsdPort,
    socketPath: ports.socketPath ?? config.agent.dogstatsdSocket,
    recvBufferSize: config.agent.dogstatsdSoRcvbuf,
    parser,
    stats: ctx.intake.stats,
    log,
  });
  // flush() takes what the receiver thread has queued but the main thread not yet parsed.
  const drainDogStatsD = () => dogstatsd.drain();
  ctx.metrics.aggregator.beforeFlush.push(drainDogStatsD);
  const traceMetrics = new TraceMetrics(ctx.metrics, ctx.clock, config.service.env);
  const traces = await startTraceServer(host, ports.traces ?? config.agent.traceAgentPort, {
    traces: ctx.traces,
    traceMetrics,
    parser,
    stats: ctx.intake.stats,
    clock: ctx.clock,
    log,
    env: config.service.env,
    dogstatsdPort: dogstatsd.port,
  });
  const checks = ports.checks === false ? undefined : startChecks(ctx);
  return {
    dogstatsd: { host, port: dogstatsd.port, socketPath: dogstatsd.socketPath, receiver: dogstatsd.receiver },
    traceUrl: traces.url,
    tracePort: traces.port,
    async close() {
      await checks?.close();
      await traces.close();
      await dogstatsd.close();
      const hooks = ctx.metrics.aggregator.beforeFlush;
      hooks.splice(hooks.indexOf(drainDogStatsD) >>> 0, 1);
      ctx.metrics.close();
    },
  };
}
