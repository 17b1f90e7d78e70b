import { mkdirSync } from 'node:fs';
import { hostname as machineName } from 'node:os';
import type { Config } from '@dd-challenge/config';
import { createLogger } from '@dd-challenge/config/log';
import type { Logger } from 'pino';
import { agentState, startAgent } from './agent/index.ts';
import { buildApiServer } from './backend/api/server.ts';
import { openStore } from './backend/db/store.ts';
import { type MonitorEngine, startMonitorEngine } from './backend/monitors/index.ts';
import { type Clock, ScaledClock, systemClock } from './clock.ts';
import type { SandboxContext } from './context.ts';

export interface SandboxOptions {
  readonly config: Config;
  /** Default: real time, or real time sped up by SANDBOX_CLOCK_SPEED. */
  readonly clock?: Clock;
  /** Ports to bind; 0 picks a free one (tests). Default: the configuration's. */
  readonly ports?: { readonly api?: number; readonly dogstatsd?: number; readonly traces?: number };
  /** Default: SANDBOX_DATA_DIR. */
  readonly dataDir?: string;
  readonly log?: Logger;
  /** Default: DD_HOSTNAME or the machine's name. */
  readonly hostname?: string;
}

export interface Sandbox {
  readonly context: SandboxContext;
  /** http://host:port of the API and console. */
  readonly apiUrl: string;
  /** http://host:port of the trace intake. */
  readonly traceUrl: string;
  /** Where DogStatsD listens: UDP host and bound port. */
  readonly dogstatsd: { readonly host: string; readonly port: number };
  /** The monitor engine (tests drive it with tick() / runUntil() on a ManualClock). */
  readonly monitors: MonitorEngine;
  close(): Promise<void>;
}

/** A part that runs beside the servers (a listener, a scheduler); close() stops it. */
export interface RunningPart {
  readonly name: string;
  close(): Promise<void> | void;
}

/**
 * Starts every part of the sandbox: intake (DogStatsD, traces), checks, the API and console,
 * the monitor engine. Closing stops them in the reverse order, after a last flush.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config } = options;
  const dataDir = options.dataDir ?? config.sandbox.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const clock =
    options.clock ??
    (config.sandbox.clockSpeed === 1 ? systemClock : new ScaledClock(config.sandbox.clockSpeed));
  const store = openStore(dataDir);
  const hostname = options.hostname ?? config.hostname ?? machineName();
  const context: SandboxContext = {
    config,
    clock,
    log: options.log ?? createLogger(config, 'sandbox'),
    dataDir,
    store,
    hostname,
    ...agentState(config, { db: store.db, clock, hostname }),
  };
  const host = config.sandbox.host;
  const running: RunningPart[] = [];
  running.push({ name: 'store', close: () => context.store.close() });

  const agent = await startAgent(context, {
    dogstatsd: options.ports?.dogstatsd,
    traces: options.ports?.traces,
  });
  running.push({ name: 'agent', close: () => agent.close() });
  const monitors = startMonitorEngine(context);
  running.push({ name: 'monitors', close: () => monitors.close() });

  const api = await buildApiServer({ ...context, monitors });
  await api.listen({ host, port: options.ports?.api ?? config.sandbox.port });
  running.push({ name: 'api', close: () => api.close() });
  const apiAddress = api.server.address();
  const apiPort = typeof apiAddress === 'object' && apiAddress ? apiAddress.port : 0;

  let closed = false;
  return {
    context,
    apiUrl: `http://${host}:${apiPort}`,
    traceUrl: agent.traceUrl,
    dogstatsd: agent.dogstatsd,
    monitors,
    async close() {
      if (closed) return;
      closed = true;
      for (const part of running.reverse()) await part.close();
    },
  };
}
