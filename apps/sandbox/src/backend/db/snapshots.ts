import type { DatabaseSync } from 'node:sqlite';
import type { JsonObject } from './types.ts';

/** Rendered graph snapshots: frozen PNGs, served by their URL. */
export class SnapshotRepository {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  insert(id: string, png: Uint8Array, meta: JsonObject, atMs: number): void {
    this.#db
      .prepare('INSERT INTO snapshots (id, at_ms, meta, png) VALUES (?, ?, ?, ?)')
      .run(id, atMs, JSON.stringify(meta), png);
  }

  get(id: string): { png: Uint8Array; meta: JsonObject; at: number } | undefined {
    const row = this.#db.prepare('SELECT at_ms, meta, png FROM snapshots WHERE id = ?').get(id);
    if (!row) return undefined;
    return { png: row.png as Uint8Array, meta: JSON.parse(String(row.meta)), at: Number(row.at_ms) };
  }
}
