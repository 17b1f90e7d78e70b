#!/bin/sh
# Runs once in the postgres container after init.sql (docker-entrypoint-initdb.d, first start on
# an empty volume): sets the passwords of the `datadog` and `app` roles from the environment, so
# no password is written in a committed file. psql quotes them (:'var'), any character is safe.
: "${POSTGRES_DATADOG_PASSWORD:?set POSTGRES_DATADOG_PASSWORD in infra/.env}"
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD in infra/.env}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v datadog_password="$POSTGRES_DATADOG_PASSWORD" \
  -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
ALTER ROLE datadog WITH PASSWORD :'datadog_password';
ALTER ROLE app WITH PASSWORD :'app_password';
SQL
