import type { DatabaseSync } from 'node:sqlite';
import type { JsonObject } from './types.ts';

export interface StoredDashboard {
  doc: JsonObject;
  /** ms since the epoch; null unless deleted (deleted dashboards stay listable with filter[deleted]). */
  deletedAt: number | null;
}

export interface DashboardListOptions {
  deleted?: boolean;
  start?: number;
  count?: number;
}

/** Dashboards as JSON documents keyed by their `abc-def-ghi` id. */
export class DashboardRepository {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Inserts; false when the id is taken (the caller draws another). */
  insert(id: string, doc: JsonObject, createdMs: number): boolean {
    const result = this.#db
      .prepare('INSERT OR IGNORE INTO dashboards (id, doc, created_ms) VALUES (?, ?, ?)')
      .run(id, JSON.stringify(doc), createdMs);
    return result.changes === 1;
  }

  get(id: string): StoredDashboard | undefined {
    const row = this.#db.prepare('SELECT doc, deleted_ms FROM dashboards WHERE id = ?').get(id);
    if (!row) return undefined;
    return { doc: JSON.parse(String(row.doc)), deletedAt: (row.deleted_ms as number | null) ?? null };
  }

  /** Replaces a live dashboard's document; false when missing or deleted. */
  replace(id: string, doc: JsonObject): boolean {
    const result = this.#db
      .prepare('UPDATE dashboards SET doc = ? WHERE id = ? AND deleted_ms IS NULL')
      .run(JSON.stringify(doc), id);
    return result.changes === 1;
  }

  /** Marks deleted; false when missing or already deleted. */
  delete(id: string, atMs: number): boolean {
    const result = this.#db
      .prepare('UPDATE dashboards SET deleted_ms = ? WHERE id = ? AND deleted_ms IS NULL')
      .run(atMs, id);
    return result.changes === 1;
  }

  /** Brings a deleted dashboard back; false when it is not deleted. */
  restore(id: string): boolean {
    const result = this.#db
      .prepare('UPDATE dashboards SET deleted_ms = NULL WHERE id = ? AND deleted_ms IS NOT NULL')
      .run(id);
    return result.changes === 1;
  }

  /** Newest first; live ones unless `deleted`. */
  list(options: DashboardListOptions = {}): StoredDashboard[] {
    const where = options.deleted ? 'deleted_ms IS NOT NULL' : 'deleted_ms IS NULL';
    const rows = this.#db
      .prepare(
        `SELECT doc, deleted_ms FROM dashboards WHERE ${where} ORDER BY created_ms DESC, id LIMIT ? OFFSET ?`,
      )
      .all(options.count ?? -1, options.start ?? 0);
    return rows.map((row) => ({
      doc: JSON.parse(String(row.doc)),
      deletedAt: (row.deleted_ms as number | null) ?? null,
    }));
  }

  count(deleted = false): number {
    const where = deleted ? 'deleted_ms IS NOT NULL' : 'deleted_ms IS NULL';
    return Number(this.#db.prepare(`SELECT count(*) AS n FROM dashboards WHERE ${where}`).get()?.n ?? 0);
  }
}
