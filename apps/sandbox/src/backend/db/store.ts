import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { DashboardRepository } from './dashboards.ts';
import { openDatabase } from './database.ts';
import { DowntimeRepository } from './downtimes.ts';
import { EventRepository } from './events.ts';
import { MonitorRepository } from './monitors.ts';
import { OutboxRepository } from './outbox.ts';
import { RoleRepository } from './roles.ts';
import { SnapshotRepository } from './snapshots.ts';

/** The sandbox's persistent resources (`ctx.store`), one SQLite file at `<dataDir>/sandbox.db`. */
export interface Store {
  readonly dashboards: DashboardRepository;
  readonly monitors: MonitorRepository;
  readonly downtimes: DowntimeRepository;
  readonly events: EventRepository;
  readonly outbox: OutboxRepository;
  readonly snapshots: SnapshotRepository;
  readonly roles: RoleRepository;
  /** The open database, for inspection routes and tests. */
  readonly db: DatabaseSync;
  close(): void;
}

/** Opens `<dataDir>/sandbox.db` (WAL) and `<dataDir>/outbox.jsonl`. */
export function openStore(dataDir: string): Store {
  const db = openDatabase(join(dataDir, 'sandbox.db'));
  let open = true;
  return {
    dashboards: new DashboardRepository(db),
    monitors: new MonitorRepository(db),
    downtimes: new DowntimeRepository(db),
    events: new EventRepository(db),
    outbox: new OutboxRepository(db, join(dataDir, 'outbox.jsonl')),
    snapshots: new SnapshotRepository(db),
    roles: new RoleRepository(db),
    db,
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
