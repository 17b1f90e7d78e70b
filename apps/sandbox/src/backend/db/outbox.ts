import { appendFileSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { ChangeFeed } from './changes.ts';
import type { DeliveryRecord, OutboxEntry, OutboxInput } from './types.ts';

/**
 * Notifications: a table (the console's inbox) and one JSON line per notification appended to
 * `<dataDir>/outbox.jsonl` (for people and scripts that tail it).
 */
export class OutboxRepository {
  readonly #db: DatabaseSync;
  readonly #file: string;
  /** Announces every added notification (id); deliverers and the console can listen. */
  readonly changes = new ChangeFeed<number>();

  constructor(db: DatabaseSync, file: string) {
    this.#db = db;
    this.#file = file;
  }

  /** Stores a notification and appends it to outbox.jsonl; returns it with its id. */
  add(input: OutboxInput, nowMs: number): OutboxEntry {
    const body = { ...input, at: nowMs, deliveries: [] as DeliveryRecord[] };
    const { lastInsertRowid } = this.#db
      .prepare('INSERT INTO outbox (at_ms, doc) VALUES (?, ?)')
      .run(nowMs, JSON.stringify(body));
    const entry: OutboxEntry = { id: Number(lastInsertRowid), ...body };
    appendFileSync(this.#file, `${JSON.stringify({ ...entry, at: new Date(nowMs).toISOString() })}\n`);
    this.changes.emit({ kind: 'created', id: entry.id });
    return entry;
  }

  get(id: number): OutboxEntry | undefined {
    const row = this.#db.prepare('SELECT id, doc FROM outbox WHERE id = ?').get(id);
    return row ? { ...JSON.parse(String(row.doc)), id: Number(row.id) } : undefined;
  }

  /** Records a delivery attempt (webhook, email) on an entry; false when the entry is missing. */
  addDelivery(id: number, delivery: DeliveryRecord): boolean {
    const entry = this.get(id);
    if (!entry) return false;
    const { id: _id, ...body } = entry;
    body.deliveries = [...entry.deliveries, delivery];
    this.#db.prepare('UPDATE outbox SET doc = ? WHERE id = ?').run(JSON.stringify(body), id);
    this.changes.emit({ kind: 'updated', id });
    return true;
  }

  /** Newest first; `afterId` for polling, `to` to keep one recipient's notifications. */
  list(options: { afterId?: number; limit?: number; to?: string; source?: string } = {}): OutboxEntry[] {
    const rows = this.#db
      .prepare('SELECT id, doc FROM outbox WHERE id > ? ORDER BY id DESC')
      .all(options.afterId ?? 0);
    const entries = rows
      .map((row) => ({ ...JSON.parse(String(row.doc)), id: Number(row.id) }) as OutboxEntry)
      .filter(
        (e) => (!options.to || e.to.includes(options.to)) && (!options.source || e.source === options.source),
      );
    return options.limit === undefined ? entries : entries.slice(0, options.limit);
  }
}
