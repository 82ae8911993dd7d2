#!/bin/sh
# Run once by the postgres image, when the data volume is empty: creates the
# role and database CKAN uses. The role owns its database but is not a
# superuser. Names and password come from the environment (.env).
set -eu
: "${POSTGRES_USER:?}" "${SACH_DB_USER:?}" "${SACH_DB_PASSWORD:?}" "${SACH_DB_NAME:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$SACH_DB_USER" -v password="$SACH_DB_PASSWORD" -v db="$SACH_DB_NAME" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
SQL
