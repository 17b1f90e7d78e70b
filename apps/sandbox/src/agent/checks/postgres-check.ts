import pg from 'pg';
import { isTemplate, type PostgresInstance } from './postgres-conf.ts';

export interface CheckSample {
  readonly metric: string;
  readonly type: 'gauge' | 'rate';
  readonly value: number;
  readonly tags: readonly string[];
}

/** pg_stat_database column -> the Agent's metric name; all monotonic, submitted as rates. */
const RATES: ReadonlyArray<readonly [string, string]> = [
  ['tup_fetched', 'postgresql.rows_fetched'],
  ['tup_returned', 'postgresql.rows_returned'],
  ['tup_inserted', 'postgresql.rows_inserted'],
  ['tup_updated', 'postgresql.rows_updated'],
  ['tup_deleted', 'postgresql.rows_deleted'],
  ['xact_commit', 'postgresql.commits'],
  ['xact_rollback', 'postgresql.rollbacks'],
  ['deadlocks', 'postgresql.deadlocks'],
];

/** Hosts that only mean something inside infra/compose.yaml's network. */
const COMPOSE_HOSTS = new Set(['postgres', 'db', 'database']);

/**
 * The Agent's postgres check for one conf.yaml instance: every run reads pg_stat_database and
 * submits postgresql.connections (gauge) and rows_fetched/returned/inserted/updated/deleted,
 * commits, rollbacks, deadlocks as rates (the counter's delta per second since the previous
 * run; nothing on the first run, as the Agent), tagged db:<name> plus the instance tags.
 * Where conf.yaml's host only resolves inside compose (%%host%%, postgres) the check connects
 * to the project's database (DATABASE_URL or the embedded Postgres); when the instance's role
 * or database does not exist there, it falls back to the URL's (and says so in `note`).
 */
export class PostgresCheck {
  readonly instance: PostgresInstance;
  readonly #fallbackUrl: string;
  #client: pg.Client | undefined;
  #connectedDb: string | undefined;
  #previous = new Map<string, { t: number; values: Map<string, number> }>();
  /** How the check reached the server (shown by /sandbox/checks). */
  note = '';

  constructor(instance: PostgresInstance, fallbackUrl: string) {
    this.instance = instance;
    this.#fallbackUrl = fallbackUrl;
  }

  #candidates(): Array<{ url: string; note: string }> {
    const inst = this.instance;
    const useFallback = inst.host === undefined || isTemplate(inst.host) || COMPOSE_HOSTS.has(inst.host);
    const base = new URL(
      useFallback ? this.#fallbackUrl : `postgres://${inst.host}:${inst.port ?? 5432}/postgres`,
    );
    const urlUser = decodeURIComponent(base.username || 'postgres');
    const urlDb = decodeURIComponent(base.pathname.slice(1) || 'postgres');
    const where = useFallback
      ? `the project's database ${base.hostname}:${base.port || 5432} (conf.yaml host ${inst.host ?? 'unset'} is for compose)`
      : `${base.hostname}:${base.port || 5432}`;
    const password =
      inst.password && !isTemplate(inst.password)
        ? inst.password
        : useFallback
          ? decodeURIComponent(base.password)
          : undefined;
    const out: Array<{ url: string; note: string }> = [];
    const seen = new Set<string>();
    const add = (user: string | undefined, db: string | undefined, why: string) => {
      if (!user || !db) return;
      const u = new URL(base.href);
      u.username = encodeURIComponent(user);
      u.password =
        password && user === inst.username
          ? encodeURIComponent(password)
          : user === urlUser
            ? base.password
            : '';
      u.pathname = `/${encodeURIComponent(db)}`;
      if (seen.has(u.href)) return;
      seen.add(u.href);
      out.push({ url: u.href, note: `${where} as ${user}, database ${db}${why}` });
    };
    add(inst.username, inst.dbname, '');
    add(urlUser, inst.dbname, ` (role ${inst.username} missing there)`);
    add(inst.username, urlDb, ` (database ${inst.dbname} missing there)`);
    add(urlUser, urlDb, ` (role ${inst.username} / database ${inst.dbname} missing there)`);
    return out;
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    let lastError: unknown;
    for (const c of this.#candidates()) {
      const client = new pg.Client({
        connectionString: c.url,
        connectionTimeoutMillis: 5000,
        application_name: 'datadog-sandbox-postgres-check',
      });
      try {
        await client.connect();
        client.on('error', () => {
          this.#client = undefined;
        });
        this.#client = client;
        // Ask the server: a wire-protocol front (PGlite) may accept any name and serve its one database.
        const { rows } = await client.query<{ db: string; usr: string }>(
          'SELECT current_database() AS db, current_user AS usr',
        );
        this.#connectedDb = rows[0]?.db;
        const asked = decodeURIComponent(new URL(c.url).pathname.slice(1));
        this.note =
          this.#connectedDb === asked
            ? c.note
            : `${c.note}; the server serves database ${this.#connectedDb} as ${rows[0]?.usr}`;
        return client;
      } catch (error) {
        lastError = error;
        await client.end().catch(() => {});
      }
    }
    throw lastError instanceof Error ? lastError : new Error('no connection candidate');
  }

  /** One run at `nowSeconds`: the samples to submit. */
  async run(nowSeconds: number): Promise<CheckSample[]> {
    let client: pg.Client;
    try {
      client = await this.#connect();
    } catch (error) {
      throw new Error(`cannot connect: ${(error as Error).message}`);
    }
    let rows: Array<Record<string, unknown>>;
    try {
      const result = await client.query(
        `SELECT datname, numbackends, ${RATES.map(([c]) => c).join(', ')} FROM pg_stat_database
          WHERE datname IS NOT NULL AND datname NOT LIKE 'template%'`,
      );
      rows = result.rows;
    } catch (error) {
      await this.close();
      throw error;
    }
    const out: CheckSample[] = [];
    for (const row of rows) {
      const db = String(row.datname);
      // The Agent skips the maintenance database unless asked; keep it when it is the one we read.
      if (db === 'postgres' && !this.instance.collectDefaultDatabase && this.#connectedDb !== 'postgres')
        continue;
      const tags = [`db:${db}`, ...this.instance.tags];
      out.push({ metric: 'postgresql.connections', type: 'gauge', value: Number(row.numbackends), tags });
      const values = new Map(RATES.map(([c]) => [c, Number(row[c])]));
      const prev = this.#previous.get(db);
      if (prev && nowSeconds > prev.t) {
        const dt = nowSeconds - prev.t;
        for (const [column, metric] of RATES) {
          const delta = (values.get(column) as number) - (prev.values.get(column) as number);
          // A counter that went down was reset (stats reset, restart): no rate this run.
          if (Number.isFinite(delta) && delta >= 0)
            out.push({ metric, type: 'rate', value: delta / dt, tags });
        }
      }
      this.#previous.set(db, { t: nowSeconds, values });
    }
    return out;
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => {});
  }
}
