import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { ChangeFeed } from './changes.ts';
import { transaction } from './database.ts';
import type {
  MonitorDoc,
  MonitorGroupState,
  MonitorState,
  MonitorStateWrite,
  MonitorStatus,
  MonitorTransition,
  StoredMonitor,
} from './types.ts';

type Row = Record<string, unknown>;

function toStored(row: Row): StoredMonitor {
  return {
    doc: { ...JSON.parse(String(row.doc)), id: Number(row.id) },
    state: {
      overallState: row.overall_state as MonitorStatus,
      overallStateModified: (row.overall_state_modified_ms as number | null) ?? null,
      evaluatedAt: (row.state_at_ms as number | null) ?? null,
      groups: JSON.parse(String(row.groups)) as Record<string, MonitorGroupState>,
    },
  };
}

/**
 * Monitors: the definition (what the API writes) and the state (what the monitor engine writes)
 * live in separate columns, so an API update never clobbers state and an evaluation never
 * clobbers a definition.
 */
export class MonitorRepository {
  readonly #db: DatabaseSync;
  /** Definition changes (create/update/delete through the API); state writes are not announced. */
  readonly changes = new ChangeFeed<number>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Stores a new monitor; `build` receives the id the database assigned and returns the doc. */
  create(build: (id: number) => MonitorDoc): StoredMonitor {
    const stored = transaction(this.#db, () => {
      const { lastInsertRowid } = this.#db.prepare("INSERT INTO monitors (doc) VALUES ('{}')").run();
      const id = Number(lastInsertRowid);
      const doc = build(id);
      this.#db.prepare('UPDATE monitors SET doc = ? WHERE id = ?').run(JSON.stringify(doc), id);
      return this.get(id) as StoredMonitor;
    });
    this.changes.emit({ kind: 'created', id: stored.doc.id });
    return stored;
  }

  get(id: number): StoredMonitor | undefined {
    const row = this.#db.prepare('SELECT * FROM monitors WHERE id = ?').get(id);
    return row ? toStored(row) : undefined;
  }

  /** Every monitor, oldest first. */
  list(): StoredMonitor[] {
    return this.#db.prepare('SELECT * FROM monitors ORDER BY id').all().map(toStored);
  }

  /** Replaces the definition; false when the monitor does not exist. */
  replace(id: number, doc: MonitorDoc): boolean {
    const result = this.#db
      .prepare('UPDATE monitors SET doc = ? WHERE id = ?')
      .run(JSON.stringify({ ...doc, id }), id);
    if (result.changes === 1) this.changes.emit({ kind: 'updated', id });
    return result.changes === 1;
  }

  /** Deletes the monitor and its history; false when it did not exist. */
  delete(id: number): boolean {
    const deleted = transaction(this.#db, () => {
      const result = this.#db.prepare('DELETE FROM monitors WHERE id = ?').run(id);
      this.#db.prepare('DELETE FROM monitor_history WHERE monitor_id = ?').run(id);
      return result.changes === 1;
    });
    if (deleted) this.changes.emit({ kind: 'deleted', id });
    return deleted;
  }

  /**
   * The monitor engine's write after an evaluation: overall state, the complete group set
   * (replacing the previous one) and the transitions to append to the history, in one
   * transaction. overall_state_modified moves only when the overall state changes.
   * Returns false when the monitor was deleted meanwhile (nothing is written).
   */
  writeState(id: number, write: MonitorStateWrite): boolean {
    return transaction(this.#db, () => this.#writeState(id, write));
  }

  /**
   * Many writeState calls in one transaction (the engine's whole evaluation cycle: one commit
   * instead of one per monitor). Returns the ids that no longer exist (nothing written for them).
   */
  writeStates(writes: readonly { readonly id: number; readonly write: MonitorStateWrite }[]): number[] {
    if (writes.length === 0) return [];
    return transaction(this.#db, () =>
      writes.filter(({ id, write }) => !this.#writeState(id, write)).map((w) => w.id),
    );
  }

  // Prepared once: the engine writes every monitor every minute.
  #stateStatements?: { update: StatementSync; insert: StatementSync };

  #writeState(id: number, write: MonitorStateWrite): boolean {
    this.#stateStatements ??= {
      update: this.#db.prepare(
        `UPDATE monitors SET groups = ?, state_at_ms = ?,
           overall_state_modified_ms = CASE WHEN overall_state IS NOT ? THEN ? ELSE overall_state_modified_ms END,
           overall_state = ?
         WHERE id = ?`,
      ),
      insert: this.#db.prepare(
        'INSERT INTO monitor_history (monitor_id, at_ms, grp, doc) VALUES (?, ?, ?, ?)',
      ),
    };
    const { update, insert } = this.#stateStatements;
    const result = update.run(
      JSON.stringify(write.groups),
      write.at,
      write.overallState,
      write.at,
      write.overallState,
      id,
    );
    if (result.changes !== 1) return false;
    for (const t of write.transitions ?? []) insert.run(id, t.at, t.group, JSON.stringify(t));
    return true;
  }

  /** The stored state; undefined when the monitor does not exist. */
  readState(id: number): MonitorState | undefined {
    return this.get(id)?.state;
  }

  /** Transitions, oldest first, optionally since a time (ms) and/or only the last `limit`. */
  history(id: number, options: { since?: number; limit?: number; group?: string } = {}): MonitorTransition[] {
    const rows = this.#db
      .prepare(
        `SELECT doc FROM (
           SELECT seq, doc FROM monitor_history
           WHERE monitor_id = ? AND at_ms >= ? AND (? IS NULL OR grp = ?)
           ORDER BY seq DESC LIMIT ?)
         ORDER BY seq`,
      )
      .all(id, options.since ?? 0, options.group ?? null, options.group ?? null, options.limit ?? -1);
    return rows.map((row) => JSON.parse(String(row.doc)) as MonitorTransition);
  }
}
