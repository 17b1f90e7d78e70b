import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One instance of the Agent's postgres check, as conf.yaml gives it. */
export interface PostgresInstance {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly dbname: string | undefined;
  readonly tags: readonly string[];
  /** Seconds (the Agent's default 15). */
  readonly minCollectionInterval: number;
  readonly collectDefaultDatabase: boolean;
}

/** A conf.yaml problem, naming the file and the field. */
export class PostgresConfError extends Error {}

/** True for values only the Agent can resolve (Autodiscovery `%%host%%`, `%%env_X%%`). */
export function isTemplate(v: string | undefined): boolean {
  return v?.includes('%%') === true;
}

/**
 * Reads infra/agent/conf.d/postgres.d/conf.yaml in the Agent's format (init_config + instances:
 * host, port, username, password, dbname, tags, min_collection_interval; init_config's
 * min_collection_interval as the Agent 5 fallback).
 */
export function readPostgresConf(path: string): PostgresInstance[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PostgresConfError(`${path}: ${(error as Error).message}`);
  }
  const root = (doc ?? {}) as { init_config?: Record<string, unknown> | null; instances?: unknown };
  if (!Array.isArray(root.instances) || root.instances.length === 0)
    throw new PostgresConfError(`${path}: instances must be a non-empty list`);
  const initInterval = Number(root.init_config?.min_collection_interval ?? 15);
  return root.instances.map((raw: unknown, i: number) => {
    if (typeof raw !== 'object' || raw === null)
      throw new PostgresConfError(`${path}: instances[${i}] must be a map`);
    const r = raw as Record<string, unknown>;
    const text = (k: string): string | undefined => {
      const v = r[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' && typeof v !== 'number')
        throw new PostgresConfError(`${path}: instances[${i}].${k} must be text`);
      return String(v);
    };
    const tags = r.tags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
      throw new PostgresConfError(`${path}: instances[${i}].tags must be a list of strings`);
    const interval = Number(r.min_collection_interval ?? initInterval);
    if (!(interval > 0))
      throw new PostgresConfError(
        `${path}: instances[${i}].min_collection_interval must be a positive number of seconds`,
      );
    const port = text('port');
    return {
      host: text('host'),
      port: port === undefined ? undefined : Number(port),
      username: text('username'),
      password: text('password'),
      dbname: text('dbname'),
      tags: tags as string[],
      minCollectionInterval: interval,
      collectDefaultDatabase: r.collect_default_database === true,
    };
  });
}
