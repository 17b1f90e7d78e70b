import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from './ports.ts';

/** The ports a demo listens on, each free when picked. */
export interface DemoPorts {
  readonly sandbox: number;
  readonly traces: number;
  readonly dogstatsd: number;
  readonly api: number;
  readonly postgres: number;
}

/** A demo of its own: free ports, and its data folders, status file and ports in its environment. */
export async function isolatedDemo(
  data: string,
  /** Names of the caller's environment to leave out (the test runner's, a developer's keys...). */
  drop: RegExp,
): Promise<{ ports: DemoPorts; env: Record<string, string> }> {
  const ports: DemoPorts = {
    sandbox: await freeTcpPort(),
    traces: await freeTcpPort(),
    dogstatsd: await freeUdpPort(),
    api: await freeTcpPort(),
    postgres: await freeTcpPort(),
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !drop.test(k)) env[k] = v;
  Object.assign(env, {
    SANDBOX_PORT: String(ports.sandbox),
    DD_TRACE_AGENT_PORT: String(ports.traces),
    DD_DOGSTATSD_PORT: String(ports.dogstatsd),
    PORT: String(ports.api),
    EMBEDDED_PG_PORT: String(ports.postgres),
    SANDBOX_DATA_DIR: join(data, 'sandbox'),
    EMBEDDED_PG_DATA_DIR: join(data, 'postgres'),
    DEV_STATUS_FILE: join(data, 'dev-status.txt'),
  });
  return { ports, env };
}
