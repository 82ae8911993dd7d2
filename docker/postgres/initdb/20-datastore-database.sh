#!/bin/sh
# Run once by the postgres image, when the data volume is empty (after 10-ckan-database.sh):
# creates the DataStore's database, owned by CKAN's role (the DataStore's write user), and its
# read-only role, which may connect to the DataStore only. CKAN's own permission script
# (`ckan datastore set-permissions`) is applied by the ckan container at every start
# (docker/ckan/sach-start.sh), as the owner of the database.
set -eu
: "${POSTGRES_USER:?}" "${SACH_DB_USER:?}" "${SACH_DB_NAME:?}"
: "${SACH_DATASTORE_DB_NAME:?}" "${SACH_DATASTORE_RO_USER:?}" "${SACH_DATASTORE_RO_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner="$SACH_DB_USER" -v maindb="$SACH_DB_NAME" -v db="$SACH_DATASTORE_DB_NAME" \
    -v ro="$SACH_DATASTORE_RO_USER" -v ro_password="$SACH_DATASTORE_RO_PASSWORD" <<'SQL'
CREATE ROLE :"ro" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'ro_password';
CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
-- only CKAN's role connects to CKAN's database (PUBLIC's default CONNECT would let the
-- read-only role in too)
REVOKE CONNECT ON DATABASE :"maindb" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"maindb" TO :"owner";
SQL
