import { DatabaseSync } from 'node:sqlite';

/**
 * One SQLite file for every resource. WAL with synchronous=NORMAL: a committed transaction is in
 * the WAL (the OS's page cache) before the request is answered, so kill -9 of the process loses
 * nothing answered 2xx; only a power cut could.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS dashboards (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, created_ms INTEGER NOT NULL, deleted_ms INTEGER);
CREATE TABLE IF NOT EXISTS monitors (
  id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL,
  overall_state TEXT NOT NULL DEFAULT 'No Data', overall_state_modified_ms INTEGER,
  state_at_ms INTEGER, groups TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS monitor_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, monitor_id INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  grp TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS monitor_history_by_monitor ON monitor_history (monitor_id, at_ms);
CREATE TABLE IF NOT EXISTS downtimes (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at_ms);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
  id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, meta TEXT NOT NULL, png BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS roles (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL);
`;

/** Monitor ids start high, like Datadog's, so small ids (0, 12345) never exist. */
const FIRST_MONITOR_ID = 1_000_000;

/** Opens (creating when needed) the sandbox database file with WAL journaling. */
export function openDatabase(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);
  db.prepare(
    `INSERT INTO sqlite_sequence (name, seq) SELECT 'monitors', ?
     WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'monitors')`,
  ).run(FIRST_MONITOR_ID - 1);
  return db;
}

/** Runs fn inside one transaction (all or nothing). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
