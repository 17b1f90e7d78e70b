#!/usr/bin/env bash
# Replays infra/Dockerfile's build stage without Docker, in a throw-away clone of the last commit:
# offline install, build of the apps and their workspace packages, `pnpm deploy --prod` per app.
# Then it starts the deployed traced-api exactly as the image's CMD does, as role `app`, on a fresh
# database prepared by infra/postgres/init.sql on the real Postgres (127.0.0.1:5432), and checks:
# no dev dependency was deployed, /readyz answers, a note is written into schema app, and the
# datadog role cannot read it. Takes a minute or two; not part of `pnpm test`.
#   pnpm --filter @dd-challenge/infra-checks verify-image [app...]   (default: the three apps)
set -euo pipefail

apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(traced-api metric-emitter traffic)
filters=()
for app in "${apps[@]}"; do filters+=(--filter "@dd-challenge/$app..."); done

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
work="$(mktemp -d /tmp/infra-image-XXXXXX)"
db="infra_image_$$"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "clone $(git -C "$repo" rev-parse --short HEAD) and run the Dockerfile's build stage"
git clone -q "$repo" "$work/repo"
cd "$work/repo"
pnpm install --frozen-lockfile --offline >"$work/install.log" 2>&1 || { tail -20 "$work/install.log"; exit 1; }
pnpm "${filters[@]}" run build >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
for app in "${apps[@]}"; do
  pnpm --filter "@dd-challenge/$app" deploy --prod "$work/out/$app" >"$work/deploy-$app.log" 2>&1 \
    || { tail -20 "$work/deploy-$app.log"; exit 1; }
done

step "no dev dependency in the deployed apps"
leaks="$(ls "$work"/out/*/node_modules/.pnpm | grep -E '^(vitest|typescript|@biomejs|turbo|autocannon|fast-check|playwright)' || true)"
[ -z "$leaks" ] || { echo "dev dependencies deployed: $leaks"; exit 1; }
du -sh "$work"/out/* | sed 's|/tmp/[^ ]*/out/||'

if [[ " ${apps[*]} " != *" traced-api "* ]]; then step "ok (traced-api not asked for)"; exit 0; fi
step "traced-api as the image runs it, as role app, on a database prepared by init.sql"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
psql -h 127.0.0.1 -U postgres -d "$db" -q -v ON_ERROR_STOP=1 -f "$repo/infra/postgres/init.sql" 2>&1 | grep -v NOTICE || true
port="$(node -e "const s=require('node:net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")"
cd "$work/out/traced-api"
DATABASE_URL="postgres://app@127.0.0.1:5432/$db" PORT="$port" DD_TRACE_AGENT_PORT=1 DD_DOGSTATSD_PORT=1 \
  node --import ./dist/tracing/preload.js --import dd-trace/initialize.mjs dist/server.js >"$work/api.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$port/readyz" || { tail -20 "$work/api.log"; exit 1; }
echo
curl -sf -X POST "http://127.0.0.1:$port/api/notes" -H 'content-type: application/json' -d '{"title":"image","body":"layout"}'
echo
where="$(psql -h 127.0.0.1 -U postgres -d "$db" -Atc "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'notes'")"
[ "$where" = "app" ] || { echo "notes landed in schema '$where', wanted app"; exit 1; }
if psql -h 127.0.0.1 -U datadog -d "$db" -Atc "SELECT count(*) FROM app.notes" >/dev/null 2>&1; then
  echo "datadog can read app.notes"; exit 1
fi
echo "notes in schema app; datadog denied; tracer: $(grep -o '"log_injection_enabled":[a-z]*' "$work/api.log" | head -1)"
step "ok"
