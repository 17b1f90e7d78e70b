import type { Config } from '@dd-challenge/config';
import type { Logger } from 'pino';
import type { AgentState } from './agent/index.ts';
import type { Store } from './backend/db/store.ts';
import type { Clock } from './clock.ts';

/**
 * What the parts of the sandbox share, made once by startSandbox and handed to each part.
 * A part adds its own field here when another part needs it (the metric store, the resource
 * stores, the outbox...); nothing reaches for globals.
 */
export interface SandboxContext extends AgentState {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  /** Absolute path of the data folder (SQLite, metric checkpoints, outbox). */
  readonly dataDir: string;
  /** The host name points get when they carry none: DD_HOSTNAME or the machine's name. */
  readonly hostname: string;
  /** Dashboards, monitors (and their state), downtimes, events, the outbox: src/storage. */
  readonly store: Store;
}
