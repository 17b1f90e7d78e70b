import type { Config } from '@dd-challenge/config';
import type { Logger } from 'pino';
import type { AgentAggregation } from './agent/aggregation.ts';
import type { CheckStatus } from './agent/checks/status.ts';
import type { IntakeBus } from './agent/dogstatsd/events.ts';
import type { IntakeStats } from './agent/stats.ts';
import type { TraceStore } from './agent/traces/store.ts';
import type { Store } from './backend/db/store.ts';
import type { HostRegistry } from './backend/hosts.ts';
import type { Metrics } from './backend/metrics/metrics.ts';
import type { Clock } from './clock.ts';

/**
 * What the parts of the sandbox share, made once by startSandbox and handed to each part.
 * A part adds its own field here when another part needs it; nothing reaches for globals.
 * Only leaf modules are imported here (stores, the clock), never a part that takes a context,
 * so the context never sits on an import cycle.
 */
export interface SandboxContext {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  /** The host name points get when they carry none: DD_HOSTNAME or the machine's name. */
  readonly hostname: string;
  /** Dashboards, monitors (and their state), downtimes, events, the outbox (sandbox.db). */
  readonly store: Store;
  /** The metric store (metric-query's SeriesSource). */
  readonly metrics: Metrics;
  /** The Agent's 10 s buckets (DogStatsD, trace metrics); agent.flush() writes them all now. */
  readonly agent: AgentAggregation;
  /** Host name -> { ip, tags } ({{host.ip}} in monitor messages). */
  readonly hosts: HostRegistry;
  /** Recent traces, bounded by spans. */
  readonly traces: TraceStore;
  /** Intake counters, DogStatsD events and service checks, check statuses. */
  readonly intake: { readonly stats: IntakeStats; readonly bus: IntakeBus; checks: CheckStatus[] };
}
