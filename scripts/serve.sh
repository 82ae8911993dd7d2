#!/usr/bin/env bash
# Serve the site and run CKAN's background-jobs worker beside it (personal-data scans of large
# or linked files run there). Ctrl-C stops both.
set -euo pipefail
CKAN="$1"; INI="$2"; HOST="$3"; PORT="$4"
"$CKAN" -c "$INI" jobs worker >> .local/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "==> Background-jobs worker running (log: .local/worker.log)"
echo "==> Serving http://$HOST:$PORT  (Ctrl-C to stop; 'make stop' stops PostgreSQL and Redis)"
"$CKAN" -c "$INI" run -H "$HOST" -p "$PORT" --threaded --disable-debugger --disable-reloader
