#!/bin/sh
# Run once by the postgres image, when the data volume is empty (after 20-datastore-database.sh):
# the role that streaming replicas (the "replica" profile of docker-compose.yml) connect as, with
# the REPLICATION attribute and nothing else, and the pg_hba.conf entry that lets it stream.
# Made on every primary, so that a replica can be added later without touching it. Idempotent:
# on a data volume made before this script existed, run it by hand once:
#   docker compose exec db sh /docker-entrypoint-initdb.d/30-replication.sh
set -eu
: "${POSTGRES_USER:?}" "${PGDATA:?}" "${SACH_REPLICATION_USER:?}" "${SACH_REPLICATION_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -q \
    -v role="$SACH_REPLICATION_USER" -v password="$SACH_REPLICATION_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SQL

# "replication" matches only replication connections (the image's "host all all all" does not)
entry="host replication $SACH_REPLICATION_USER all scram-sha-256"
if ! grep -qxF "$entry" "$PGDATA/pg_hba.conf"; then
  printf '# streaming replicas (docker/postgres/initdb/30-replication.sh)\n%s\n' "$entry" \
    >> "$PGDATA/pg_hba.conf"
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -qtA \
    -c "SELECT pg_reload_conf()" >/dev/null
