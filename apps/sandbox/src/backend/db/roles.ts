import type { DatabaseSync } from 'node:sqlite';
import type { JsonObject } from './types.ts';

/** v2 roles: only what restricted_roles on monitors and dashboards need to point at. */
export class RoleRepository {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  insert(id: string, doc: JsonObject): void {
    this.#db.prepare('INSERT INTO roles (id, doc) VALUES (?, ?)').run(id, JSON.stringify(doc));
  }

  get(id: string): JsonObject | undefined {
    const row = this.#db.prepare('SELECT doc FROM roles WHERE id = ?').get(id);
    return row ? JSON.parse(String(row.doc)) : undefined;
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM roles WHERE id = ?').run(id).changes === 1;
  }

  list(): JsonObject[] {
    return this.#db
      .prepare('SELECT doc FROM roles ORDER BY rowid')
      .all()
      .map((row) => JSON.parse(String(row.doc)));
  }
}
