#!/usr/bin/env bash
# Serve the site and run CKAN's background-jobs worker beside it (personal-data scans of large
# or linked files run there). Ctrl-C stops both.
#   scripts/serve.sh CKAN INI HOST PORT [prod|dev]
# prod (default, `make run`): gunicorn (scripts/gunicorn.conf.py), workers sized to the machine
#   (SACH_WORKERS overrides), a killed worker is replaced by the master.
# dev (`make dev`): CKAN's development server (`ckan run`), one process.
# PID files under $SACH_LOCAL_DIR (.local) let `make stop` stop only what this clone started.
set -euo pipefail
CKAN="$1"; INI="$2"; HOST="$3"; PORT="$4"; MODE="${5:-prod}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="${SACH_LOCAL_DIR:-$ROOT/.local}"
mkdir -p "$LOCAL/run"
BIN="$(dirname "$CKAN")"
"$CKAN" -c "$INI" jobs worker >> "$LOCAL/worker.log" 2>&1 &
worker=$!
echo "$worker" > "$LOCAL/run/worker.pid"
cleanup() { kill "$worker" 2>/dev/null || true; rm -f "$LOCAL/run/worker.pid" "$LOCAL/run/web.pid"; }
trap cleanup EXIT INT TERM
echo "==> Background-jobs worker running (log: $LOCAL/worker.log)"
echo "==> Serving http://$HOST:$PORT  (Ctrl-C to stop; 'make stop' stops what this clone started)"
if [ "$MODE" = dev ]; then
  "$CKAN" -c "$INI" run -H "$HOST" -p "$PORT" --threaded --disable-debugger --disable-reloader &
else
  CKAN_INI="$(cd "$(dirname "$INI")" && pwd)/$(basename "$INI")" SACH_BIND="$HOST:$PORT" \
    "$BIN/gunicorn" -c "$ROOT/scripts/gunicorn.conf.py" ckanext.sach.wsgi:application &
fi
web=$!
echo "$web" > "$LOCAL/run/web.pid"
wait "$web"
