#!/bin/sh
# Entry point of the db-replica service (profile "replica" of docker-compose.yml), then the
# command it is given (the postgres image's own docker-entrypoint.sh postgres ...).
#
# On the first start (an empty data volume) it copies the db service's cluster with
# pg_basebackup as a hot standby that streams from it (-R writes standby.signal and
# primary_conninfo), through a physical replication slot named SACH_REPLICATION_SLOT, made here
# if it does not exist yet: the primary keeps the WAL this replica has not received, up to its
# max_slot_wal_keep_size. Later starts find the copy and only start PostgreSQL. The copy has the
# primary's roles and passwords: CKAN reads it with its own role, read-only.
set -eu
: "${PGDATA:?}" "${SACH_PRIMARY_HOST:?}" "${SACH_REPLICATION_USER:?}" "${SACH_REPLICATION_PASSWORD:?}"
: "${SACH_REPLICATION_SLOT:?}"

say() { printf '[sach-replica] %s\n' "$*"; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$SACH_REPLICATION_PASSWORD"
  primary="host=$SACH_PRIMARY_HOST port=${SACH_PRIMARY_PORT:-5432} user=$SACH_REPLICATION_USER"
  tries=0
  until pg_isready -q -d "$primary dbname=postgres"; do
    tries=$((tries + 1))
    [ "$tries" -lt "${SACH_PRIMARY_WAIT:-90}" ] || { say "ERROR: the primary does not answer" >&2; exit 1; }
    sleep 2
  done
  psql -v ON_ERROR_STOP=1 -qtA -d "$primary dbname=postgres" -v slot="$SACH_REPLICATION_SLOT" <<'SQL' >/dev/null
SELECT pg_create_physical_replication_slot(:'slot')
WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = :'slot');
SQL
  say "copying the primary $SACH_PRIMARY_HOST (pg_basebackup, slot $SACH_REPLICATION_SLOT)"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pg_basebackup -d "$primary" -D "$PGDATA" -X stream -R -S "$SACH_REPLICATION_SLOT" -c fast
  # PostgreSQL runs as postgres (the image's entry point does the same for its own data)
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$PGDATA"; fi
  say "hot standby ready"
fi
exec "$@"
