#!/usr/bin/env bash
# Embedded PostgreSQL 15 + Redis for ckanext-sach, with data under ./.local (git-ignored).
#   scripts/services.sh start | stop | status | ensure-db NAME | ensure-datastore NAME [MAIN_DB]
# Ports (loopback only) come from SACH_PG_PORT (54329) and SACH_REDIS_PORT (63799).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="${SACH_LOCAL_DIR:-$ROOT/.local}"
PG_PORT="${SACH_PG_PORT:-54329}"
REDIS_PORT="${SACH_REDIS_PORT:-63799}"
PG_DATA="$LOCAL/pg/data"
PG_RUN="$LOCAL/pg/run"
PG_LOG="$LOCAL/pg/postgresql.log"
REDIS_DIR="$LOCAL/redis"
PG_USER_DB="ckan_sach"       # role name; password = role name (loopback only, dev/test)
PG_USER_RO="ckan_sach_ro"    # DataStore read-only role; password = role name (loopback only, dev/test)

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*"; }

pg_bindir() {
  if [ -n "${SACH_PG_BINDIR:-}" ]; then [ -x "$SACH_PG_BINDIR/initdb" ] && { echo "$SACH_PG_BINDIR"; return 0; }; return 1; fi
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  [ -z "${SACH_NO_INSTALL:-}" ] || die "$* is not installed (SACH_NO_INSTALL is set, so nothing is installed). Install it with: apt-get install -y $*"
  as_root || die "$* is not installed and this user cannot install it. Run as root, or: sudo apt-get install -y $*"
  command -v apt-get >/dev/null 2>&1 || die "$* is not installed and apt-get is missing. Install $* by hand."
  say "Installing $* from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq "$@" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq "$@" >/dev/null || die "could not install $* (apt-get failed; is the package mirror reachable?)"
  fi
}

# Who runs PostgreSQL: never root.
pg_owner() {
  if as_root; then echo postgres; else id -un; fi
}

run_pg() {  # run a PostgreSQL binary as the cluster owner
  local owner; owner=$(pg_owner)
  if as_root; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

port_busy() {  # true when something listens on 127.0.0.1:$1
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -ltnH "( sport = :$1 )" 2>/dev/null)" ]
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
  fi
}

pg_running() {
  local bin; bin=$(pg_bindir) || return 1
  [ -f "$PG_DATA/postmaster.pid" ] && run_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

start_pg() {
  local bin
  if ! bin=$(pg_bindir); then apt_install postgresql-15 postgresql-contrib; bin=$(pg_bindir) || die "PostgreSQL binaries not found after install"; fi
  [ -f "$(dirname "$bin")/lib/unaccent.so" ] || ls /usr/lib/postgresql/*/lib/unaccent.so >/dev/null 2>&1 || apt_install postgresql-contrib
  local owner; owner=$(pg_owner)
  mkdir -p "$LOCAL/pg" "$PG_RUN"
  if as_root; then chown "$owner" "$LOCAL/pg" "$PG_RUN"; fi
  if pg_running; then say "PostgreSQL already running on 127.0.0.1:$PG_PORT ($PG_DATA)"; return 0; fi
  if port_busy "$PG_PORT"; then
    die "port $PG_PORT is in use by another program, not by this project's PostgreSQL. Stop it or set SACH_PG_PORT=<free port> (and the same port in ckan.ini / test.ini)."
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "Creating PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"; as_root && chown "$owner" "$PG_DATA"; chmod 700 "$PG_DATA"
    run_pg "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 -A trust >/dev/null \
      || die "initdb failed (see output above)"
  fi
  touch "$PG_LOG"; as_root && chown "$owner" "$PG_LOG"
  say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # random_page_cost=1.1: the data sits in memory or on SSD, so a random page costs about what a
  # sequential one does; with the default (4) the planner scans every search row where the text
  # index would read a few thousand (README, "PostgreSQL settings")
  run_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-p $PG_PORT -k $PG_RUN -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB -c random_page_cost=1.1" start >/dev/null \
    || { tail -20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
}

psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

ensure_db() {
  local db="$1"
  psql_admin -d postgres -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$PG_USER_DB') THEN CREATE ROLE $PG_USER_DB LOGIN PASSWORD '$PG_USER_DB'; END IF; END\$\$;"
  if [ -z "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'")" ]; then
    say "Creating database $db"
    psql_admin -d postgres -c "CREATE DATABASE $db OWNER $PG_USER_DB ENCODING 'UTF8' TEMPLATE template0"
  fi
  # unaccent is trusted since PostgreSQL 13, but create it as superuser so any owner works.
  psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS unaccent"
}

# The DataStore database NAME, owned by ckan_sach (CKAN's write user), read by ckan_sach_ro,
# with CKAN's permissions script applied (`ckan datastore set-permissions` prints the same SQL
# from ckanext/datastore/set_permissions.sql of the installed CKAN; here it is rendered without
# needing an ini file). MAIN_DB (CKAN's own database, whose CONNECT the read-only role loses)
# defaults to NAME without "_datastore": ckan_sach_datastore -> ckan_sach,
# ckan_sach_datastore_test -> ckan_sach_test. Idempotent: the script is safe to run again.
ensure_datastore() {
  local db="$1" main="${2:-${1/_datastore/}}" py="${SACH_PYTHON:-$ROOT/.venv/bin/python}"
  [ "$main" != "$db" ] || die "ensure-datastore: give CKAN's main database: $0 ensure-datastore $db MAIN_DB"
  [ -x "$py" ] || die "ensure-datastore needs CKAN installed in $ROOT/.venv (make install) or SACH_PYTHON"
  export PGOPTIONS="-c client_min_messages=warning"
  ensure_db "$main" >/dev/null
  psql_admin -d postgres -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$PG_USER_RO') THEN CREATE ROLE $PG_USER_RO LOGIN PASSWORD '$PG_USER_RO'; END IF; END\$\$;"
  if [ -z "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'")" ]; then
    say "Creating DataStore database $db"
    psql_admin -d postgres -c "CREATE DATABASE $db OWNER $PG_USER_DB ENCODING 'UTF8' TEMPLATE template0"
  fi
  "$py" -c 'import sys; from ckanext.datastore.cli import permissions_sql as p
print(p(maindb=sys.argv[1], datastoredb=sys.argv[2], mainuser=sys.argv[3], writeuser=sys.argv[3], readuser=sys.argv[4]))' \
    "$main" "$db" "$PG_USER_DB" "$PG_USER_RO" | psql_admin -d "$db" >/dev/null \
    || die "could not apply the DataStore permissions to $db"
  # CKAN's script revokes CONNECT on the main database from the read-only role, but every role
  # still connects through PUBLIC's default grant: take that too (only ckan_sach keeps it).
  psql_admin -d postgres -c "REVOKE CONNECT ON DATABASE $main FROM PUBLIC; GRANT CONNECT ON DATABASE $main TO $PG_USER_DB"
}

redis_bin() { command -v redis-server 2>/dev/null || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; }; }
redis_cli() { command -v redis-cli 2>/dev/null || echo /usr/bin/redis-cli; }

redis_running() { timeout 3 "$(redis_cli)" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  local bin; bin=$(redis_bin) || true
  if [ -z "$bin" ]; then apt_install redis-server; bin=$(redis_bin) || die "redis-server not found after install"; fi
  mkdir -p "$REDIS_DIR"
  if redis_running; then
    if [ -f "$REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null; then
      say "Redis already running on 127.0.0.1:$REDIS_PORT"; return 0
    fi
    say "A Redis server already answers on 127.0.0.1:$REDIS_PORT; reusing it"; return 0
  fi
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is in use by a program that is not Redis. Stop it or set SACH_REDIS_PORT=<free port>."
  say "Starting Redis on 127.0.0.1:$REDIS_PORT"
  "$bin" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_running && return 0; sleep 0.1; done
  die "Redis did not start (log: $REDIS_DIR/redis.log)"
}

ours() {  # ours PIDFILE WORD: the PID in PIDFILE is alive and its command line contains WORD
  local pid; [ -f "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

stop_pid() {  # stop_pid PIDFILE WORD LABEL: TERM, wait up to 10 s, then KILL; only if ours
  if ours "$1" "$2"; then
    local pid; pid=$(cat "$1"); say "Stopping $3 (pid $pid)"; kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

# Stops only what this clone started: the web server and jobs worker of scripts/serve.sh, the
# PostgreSQL cluster of $PG_DATA and the Redis whose PID file is in $REDIS_DIR (checked to be a
# live redis-server on our port). A Redis or PostgreSQL of another clone on the same port is left.
stop_all() {
  local bin
  stop_pid "$LOCAL/run/web.pid" "gunicorn\|ckan" "the web server"
  stop_pid "$LOCAL/run/worker.pid" "jobs worker" "the jobs worker"
  if bin=$(pg_bindir) && pg_running; then say "Stopping PostgreSQL"; run_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; fi
  if ours "$REDIS_DIR/redis.pid" "redis-server.*:$REDIS_PORT"; then
    stop_pid "$REDIS_DIR/redis.pid" "redis-server" "Redis"
  elif redis_running; then
    say "A Redis on 127.0.0.1:$REDIS_PORT was not started by this clone ($REDIS_DIR): left running"
  fi
}

status() {
  if pg_running; then echo "PostgreSQL: running on 127.0.0.1:$PG_PORT"; else echo "PostgreSQL: stopped"; fi
  if redis_running; then echo "Redis: running on 127.0.0.1:$REDIS_PORT"; else echo "Redis: stopped"; fi
}

case "${1:-}" in
  start) start_pg; start_redis ;;
  stop) stop_all ;;
  status) status ;;
  ensure-db) [ -n "${2:-}" ] || die "usage: $0 ensure-db NAME"; start_pg; start_redis; ensure_db "$2" ;;
  ensure-datastore) [ -n "${2:-}" ] || die "usage: $0 ensure-datastore NAME [MAIN_DB]"; start_pg; start_redis; ensure_datastore "$2" "${3:-}" ;;
  *) echo "usage: $0 start|stop|status|ensure-db NAME|ensure-datastore NAME [MAIN_DB]" >&2; exit 2 ;;
esac
