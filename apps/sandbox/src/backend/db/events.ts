import type { DatabaseSync } from 'node:sqlite';
import type { EventRecord } from './types.ts';

export interface EventQuery {
  /** UNIX seconds, inclusive. */
  start?: number;
  end?: number;
  /** Every tag must be present. */
  tags?: string[];
  sources?: string[];
  priority?: string;
  limit?: number;
}

/** Events, by id and by time. */
export class EventRepository {
  readonly #db: DatabaseSync;
  #lastId = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#lastId = Number(db.prepare('SELECT max(id) AS id FROM events').get()?.id ?? 0);
  }

  /** Stores an event and assigns its id (increasing, below 2^53). */
  add(event: Omit<EventRecord, 'id'>, nowMs: number): EventRecord {
    // ms * 1000 + counter: ordered like time, unique even for many events in one millisecond.
    const id = Math.max(nowMs * 1000, this.#lastId + 1);
    this.#lastId = id;
    const record: EventRecord = { id, ...event };
    this.#db
      .prepare('INSERT INTO events (id, at_ms, doc) VALUES (?, ?, ?)')
      .run(id, event.date_happened * 1000, JSON.stringify(record));
    return record;
  }

  get(id: number): EventRecord | undefined {
    const row = this.#db.prepare('SELECT doc FROM events WHERE id = ?').get(id);
    return row ? (JSON.parse(String(row.doc)) as EventRecord) : undefined;
  }

  /** Newest first. */
  list(query: EventQuery = {}): EventRecord[] {
    const rows = this.#db
      .prepare('SELECT doc FROM events WHERE at_ms >= ? AND at_ms <= ? ORDER BY at_ms DESC, id DESC')
      .all((query.start ?? 0) * 1000, (query.end ?? Number.MAX_SAFE_INTEGER / 1000) * 1000);
    const events = rows.map((row) => JSON.parse(String(row.doc)) as EventRecord);
    const filtered = events.filter(
      (e) =>
        (!query.tags?.length || query.tags.every((t) => e.tags.includes(t))) &&
        (!query.sources?.length ||
          (e.source_type_name !== null && query.sources.includes(e.source_type_name))) &&
        (!query.priority || e.priority === query.priority),
    );
    return query.limit === undefined ? filtered : filtered.slice(0, query.limit);
  }
}
