import type { DatabaseSync } from 'node:sqlite';
import { ChangeFeed } from './changes.ts';
import type { DowntimeRecord } from './types.ts';

/** v2 downtimes. Canceling keeps the record (status `canceled`), as Datadog does. */
export class DowntimeRepository {
  readonly #db: DatabaseSync;
  readonly changes = new ChangeFeed<string>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  insert(record: DowntimeRecord): void {
    this.#db
      .prepare('INSERT INTO downtimes (id, doc, created_ms) VALUES (?, ?, ?)')
      .run(record.id, JSON.stringify(record), record.created);
    this.changes.emit({ kind: 'created', id: record.id });
  }

  get(id: string): DowntimeRecord | undefined {
    const row = this.#db.prepare('SELECT doc FROM downtimes WHERE id = ?').get(id);
    return row ? (JSON.parse(String(row.doc)) as DowntimeRecord) : undefined;
  }

  /** Replaces the record; false when missing. */
  replace(record: DowntimeRecord): boolean {
    const result = this.#db
      .prepare('UPDATE downtimes SET doc = ? WHERE id = ?')
      .run(JSON.stringify(record), record.id);
    if (result.changes === 1) this.changes.emit({ kind: 'updated', id: record.id });
    return result.changes === 1;
  }

  /** Sets `canceled` (once: a second cancel keeps the first time); undefined when missing. */
  cancel(id: string, atMs: number): DowntimeRecord | undefined {
    const record = this.get(id);
    if (!record) return undefined;
    if (record.canceled === null) {
      record.canceled = atMs;
      record.modified = atMs;
      this.replace(record);
    }
    return record;
  }

  /** Every downtime, oldest first (canceled ones included). */
  list(): DowntimeRecord[] {
    return this.#db
      .prepare('SELECT doc FROM downtimes ORDER BY created_ms, id')
      .all()
      .map((row) => JSON.parse(String(row.doc)) as DowntimeRecord);
  }
}
