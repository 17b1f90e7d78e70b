-- Prepares a Postgres for the project: the `datadog` monitoring role and the `app` role with its
-- own schema. Idempotent: every statement can run again on a database that already has them
-- (tests run it twice), so it is safe to replay by hand with `psql -f`.
--
-- Passwords are not here: infra/postgres/set-passwords.sh sets them from the environment
-- (POSTGRES_DATADOG_PASSWORD, POSTGRES_APP_PASSWORD) right after this file in the container's
-- /docker-entrypoint-initdb.d. Roles are cluster-wide; the schema lives in the current database.

-- The Datadog Agent's login (Datadog's recommended grants for Postgres 10+): pg_monitor gives
-- pg_read_all_stats + pg_read_all_settings + pg_stat_scan_tables, i.e. every pg_stat_* view with
-- full rows, and nothing of the application's tables.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datadog') THEN
    CREATE ROLE datadog WITH LOGIN;
  END IF;
END
$$;

GRANT pg_monitor TO datadog;

-- Datadog's DBM setup reads through functions in a `datadog` schema; the schema is harmless
-- without DBM and ready for it.
CREATE SCHEMA IF NOT EXISTS datadog;
GRANT USAGE ON SCHEMA datadog TO datadog;

-- The application's login. traced-api connects as `app` and creates its tables (notes) by
-- migration at start with CREATE TABLE IF NOT EXISTS; unqualified names land in the `app` schema
-- through the role's search_path (set explicitly: servers and PGlite may not start with "$user").
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'app') THEN
    CREATE ROLE app WITH LOGIN;
  END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION app;
ALTER ROLE app SET search_path = app, public;

-- Only `app` (and superusers) touch the schema: monitoring sees statistics, not rows.
REVOKE ALL ON SCHEMA app FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA app TO app;
