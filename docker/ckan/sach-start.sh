#!/bin/sh
# Entry point of the sach/ckan image (docker/ckan/Dockerfile), for the web and the worker
# containers of docker-compose.yml. It replaces the base image's start_ckan.sh (uWSGI):
#
#   sach-start web      migrate the database, then serve with gunicorn, the same server set-up
#                       as `make run` (scripts/gunicorn.conf.py, ckanext.sach.wsgi:application)
#   sach-start worker   CKAN's background-jobs worker
#   sach-start CMD ...  any other command (e.g. `ckan -c /srv/app/ckan.ini sysadmin add NAME`)
#
# Search engine (SACH_SEARCH_BACKEND):
#   postgresql (default)  the sach_pgsearch plugin on the stack's PostgreSQL: the engine CI tests
#   solr                  Solr (compose profile "solr"): sach_pgsearch is taken out of
#                         CKAN__PLUGINS and the start waits for CKAN_SOLR_URL to answer
# Either way ckan.plugins in $CKAN_INI is rewritten from CKAN__PLUGINS first, so the web and the
# worker containers always load the same plugins (the worker never runs the web set-up).
#
# Search reads on streaming replicas (SACH_SEARCH_REPLICAS, with SACH_SEARCH_BACKEND=postgresql):
# space-separated hosts (host or host:port, e.g. the "replica" profile's db-replica). Each gets
# CKAN's database URL (CKAN_SQLALCHEMY_URL, same role, password and database: a replica is a
# copy of the primary) with that host, in ckanext.sach.search.replica_urls.
set -eu

: "${CKAN_INI:?CKAN_INI is not set}"
: "${CKAN__PLUGINS:?CKAN__PLUGINS is not set}"
SACH_SEARCH_BACKEND="${SACH_SEARCH_BACKEND:-postgresql}"

say() { printf '[sach-start] %s\n' "$*"; }
die() { printf '[sach-start] ERROR: %s\n' "$*" >&2; exit 1; }

without_pgsearch() {
  out=""
  for plugin in $1; do
    [ "$plugin" = sach_pgsearch ] || out="${out:+$out }$plugin"
  done
  printf '%s' "$out"
}

case "$SACH_SEARCH_BACKEND" in
  postgresql)
    case " $CKAN__PLUGINS " in
      *" sach_pgsearch "*) ;;
      *) CKAN__PLUGINS="sach_pgsearch $CKAN__PLUGINS" ;;
    esac ;;
  solr)
    : "${CKAN_SOLR_URL:?SACH_SEARCH_BACKEND=solr needs CKAN_SOLR_URL}"
    CKAN__PLUGINS="$(without_pgsearch "$CKAN__PLUGINS")" ;;
  *) die "SACH_SEARCH_BACKEND must be 'postgresql' or 'solr', not '$SACH_SEARCH_BACKEND'" ;;
esac
# ckanext-envvars reads CKAN__PLUGINS again inside CKAN: keep it equal to what is loaded
export CKAN__PLUGINS SACH_SEARCH_BACKEND
ckan config-tool "$CKAN_INI" "ckan.plugins = $CKAN__PLUGINS" >/dev/null
say "search: $SACH_SEARCH_BACKEND; plugins: $CKAN__PLUGINS"

# CKAN_SQLALCHEMY_URL with each host of $@ in turn, space separated
replica_urls() {
  python3 - "$CKAN_SQLALCHEMY_URL" "$@" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

primary = urlsplit(sys.argv[1])
if not primary.hostname:
    sys.exit("CKAN_SQLALCHEMY_URL has no host")
userinfo = primary.netloc.rpartition("@")[0]
urls = []
for host in sys.argv[2:]:
    if ":" not in host and primary.port:
        host = f"{host}:{primary.port}"
    urls.append(urlunsplit(primary._replace(netloc=f"{userinfo}@{host}" if userinfo else host)))
print(" ".join(urls))
PY
}

if [ -n "${SACH_SEARCH_REPLICAS:-}" ]; then
  [ "$SACH_SEARCH_BACKEND" = postgresql ] \
    || die "SACH_SEARCH_REPLICAS serves sach_pgsearch: it needs SACH_SEARCH_BACKEND=postgresql"
  : "${CKAN_SQLALCHEMY_URL:?SACH_SEARCH_REPLICAS needs CKAN_SQLALCHEMY_URL}"
  # shellcheck disable=SC2086  # one argument per host
  CKANEXT__SACH__SEARCH__REPLICA_URLS="$(replica_urls $SACH_SEARCH_REPLICAS)" \
    || die "could not make the replicas' URLs from CKAN_SQLALCHEMY_URL"
  export CKANEXT__SACH__SEARCH__REPLICA_URLS
  say "search reads on the replicas: $SACH_SEARCH_REPLICAS (writes on the primary)"
fi

wait_for_solr() {
  # the solr service is in an opt-in profile: no compose dependency can wait for it
  python3 - "$CKAN_SOLR_URL" "${SACH_SOLR_WAIT:-180}" <<'PY' || die "Solr did not answer at $CKAN_SOLR_URL (is the compose profile 'solr' enabled?)"
import sys, time, urllib.request
url, wait = sys.argv[1].rstrip("/") + "/admin/ping?wt=json", float(sys.argv[2])
deadline = time.time() + wait
while True:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    if time.time() >= deadline:
        sys.exit(1)
    time.sleep(2)
PY
}

# CKAN's DataStore permission script, run on the DataStore's database as its owner (CKAN's role,
# the write user): the script only grants on objects that role owns, so no superuser is needed.
# The psql meta-command `\connect` is dropped: the connection already is to that database.
datastore_permissions() {
  if [ -z "${CKAN_DATASTORE_WRITE_URL:-}" ]; then
    say "WARNING: CKAN_DATASTORE_WRITE_URL is not set: DataStore permissions not applied"; return 0
  fi
  say "DataStore permissions (ckan datastore set-permissions, applied as the database's owner)"
  ckan -c "$CKAN_INI" datastore set-permissions | python3 -c '
import os, sys
import psycopg2
sql = "".join(line for line in sys.stdin if not line.startswith("\\connect "))
if "_table_metadata" not in sql:
    sys.exit("ckan datastore set-permissions printed no permission script")
with psycopg2.connect(os.environ["CKAN_DATASTORE_WRITE_URL"]) as conn, conn.cursor() as cur:
    cur.execute(sql)
'
}

mode="${1:-web}"
case "$mode" in
  web)
    [ "$SACH_SEARCH_BACKEND" = solr ] && wait_for_solr
    datastore_permissions || die "could not apply the DataStore permissions"
    say "ckan db upgrade (CKAN core and the plugins' migrations, sach_pgsearch's search table included)"
    ckan -c "$CKAN_INI" db upgrade
    # documents missing from the index (a fresh Solr volume, a restored database)
    ckan -c "$CKAN_INI" search-index rebuild --only-missing --quiet \
      || say "WARNING: search-index rebuild --only-missing failed; run it by hand"
    : "${SACH_BIND:=0.0.0.0:5000}"
    export SACH_BIND
    say "gunicorn on $SACH_BIND (scripts/gunicorn.conf.py)"
    exec gunicorn -c "${SACH_SRC:-/srv/app/src/ckanext-sach}/scripts/gunicorn.conf.py" \
      ckanext.sach.wsgi:application ;;
  worker)
    [ "$SACH_SEARCH_BACKEND" = solr ] && wait_for_solr
    exec ckan -c "$CKAN_INI" jobs worker ;;
  *)
    exec "$@" ;;
esac
