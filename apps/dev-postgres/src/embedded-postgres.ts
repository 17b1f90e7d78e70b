import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { initDataDir } from './init-data-dir.ts';
import { DEMO_POSTGRESQL_CONF } from './postgresql-conf.ts';

export interface EmbeddedPostgresOptions {
  /** TCP port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Directory holding the database files; omitted = in memory (gone at close). */
  dataDir?: string;
  /** Address to bind. Default 127.0.0.1 (never exposed beyond loopback unless asked). */
  host?: string;
  /** Most client connections served at once (PGlite runs them one query at a time). Default 64. */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** An ordinary connection string: postgres://postgres@HOST:PORT/postgres */
  url: string;
  port: number;
  host: string;
  /** Drops every client connection and stops listening, keeping the database: an outage. */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(): the outage is over. */
  restart(): Promise<void>;
  /** Disconnects every client, stops listening and closes the database (flushing it to dataDir). */
  close(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM) with settings sized for a demo and serves it over the
 * Postgres wire protocol, so pg, psql and the Agent's postgres check connect with a plain
 * connection string.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    await initDataDir(options.dataDir);
  }
  const db = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    postgresqlconf: [...DEMO_POSTGRESQL_CONF],
  });
  // pglite-socket multiplexes many client connections over PGlite's single backend: queries
  // are queued and a connection inside a transaction keeps the backend until it ends.
  const serve = (port: number) =>
    new PGLiteSocketServer({ db, host, port, maxConnections: options.maxConnections ?? 64 });
  let server = serve(options.port ?? 0);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = listeningPort(server.getServerConn());
  let serving = true;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${urlHost}:${port}/postgres`,
    port,
    host,
    async stop() {
      if (!serving) return;
      serving = false;
      await server.stop();
    },
    async restart() {
      if (serving || closing) return;
      server = serve(port);
      await server.start();
      serving = true;
    },
    close() {
      closing ??= (async () => {
        if (serving) await server.stop();
        serving = false;
        await db.close();
      })();
      return closing;
    },
  };
}

/** The port from pglite-socket's `host:port` description (it resolves port 0 on listen). */
function listeningPort(conn: string): number {
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0)
    throw new Error(`embedded Postgres: unexpected listen address ${conn}`);
  return port;
}
