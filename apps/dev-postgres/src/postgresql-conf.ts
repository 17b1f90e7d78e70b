/**
 * postgresql.conf lines sized for a demo's few tables and a handful of queries a second.
 * Postgres' defaults (shared_buffers 128MB, maintenance_work_mem 64MB) are sized for a server and
 * end up resident in PGlite's WASM memory; 16MB of buffers holds the demo's data many times over.
 */
export const DEMO_POSTGRESQL_CONF: readonly string[] = [
  'shared_buffers=16MB',
  'maintenance_work_mem=16MB',
  'work_mem=2MB',
];
