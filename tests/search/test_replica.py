"""Search reads on a real PostgreSQL streaming replica of the test database.

The module clones the test cluster (the one `scripts/services.sh` runs) with `pg_basebackup -R`
into a temporary folder and starts it as a hot standby on a free port. Reads are told apart by
pausing the standby's WAL replay (`pg_wal_replay_pause()`): a dataset created afterwards exists on
the primary only, so a search that does not find it was answered by the replica.
"""
from __future__ import annotations

import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import psycopg2
import pytest
import sqlalchemy as sa

from ckan.common import config
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.sach.search import replica

from tests.search.conftest import PLUGINS
from tests.search.test_cache import _sneak_in_a_document


def _pg_bindir() -> Path | None:
    candidates = [os.environ.get("SACH_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("pg_basebackup")
    if found:
        candidates.append(str(Path(found).parent))
    for folder in candidates:
        if folder and (Path(folder) / "pg_basebackup").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


BINDIR = _pg_bindir()
AS_ROOT = os.geteuid() == 0

pytestmark = [
    pytest.mark.skipif(BINDIR is None, reason="pg_basebackup/pg_ctl not installed"),
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _as_owner(*command: str) -> list[str]:
    """Run a PostgreSQL program as `postgres` when root (it refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if AS_ROOT else list(command)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Standby:
    """A hot standby of the test cluster, streaming from it."""

    def __init__(self, primary: sa.engine.URL) -> None:
        assert BINDIR is not None
        self.primary = primary
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="sach-standby-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        if AS_ROOT:
            shutil.chown(self.folder, "postgres")
        self.folder.chmod(0o755)
        subprocess.run(
            _as_owner(str(BINDIR / "pg_basebackup"), "-h", primary.host or "127.0.0.1",
                      "-p", str(primary.port), "-U", "postgres", "-D", str(self.data),
                      "-R", "-X", "stream", "-c", "fast"),
            check=True, capture_output=True, timeout=300,
        )
        self.start()

    @property
    def url(self) -> str:
        """What CKAN is given: the primary's URL on the standby's port."""
        return self.primary.set(port=self.port).render_as_string(hide_password=False)

    def start(self) -> None:
        # The standby needs max_connections >= the primary's (set on its command line).
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200 -c shared_buffers=32MB -c fsync=off")
        subprocess.run(
            _as_owner(str(BINDIR / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                      "-w", "-t", "60", "-o", options, "start"),
            check=True, capture_output=True, timeout=90,
        )

    def stop(self) -> None:
        subprocess.run(
            _as_owner(str(BINDIR / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
            check=False, capture_output=True, timeout=90,
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def running(self) -> bool:
        try:
            return self.sql("SELECT true")
        except psycopg2.OperationalError:
            return False

    def sql(self, query: str, *args: Any) -> Any:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                      dbname="postgres", connect_timeout=5)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, args)
                return cursor.fetchone()[0] if cursor.description else None
        finally:
            connection.close()

    def catch_up(self, timeout: float = 60) -> None:
        """Resume replay and wait until everything the primary has written is replayed."""
        self.sql("SELECT pg_wal_replay_resume()")
        primary = psycopg2.connect(host=self.primary.host, port=self.primary.port,
                                   user="postgres", dbname="postgres")
        try:
            with primary.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
                target = cursor.fetchone()[0]
        finally:
            primary.close()
        deadline = time.monotonic() + timeout
        while not self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            assert time.monotonic() < deadline, f"the standby did not replay {target}"
            time.sleep(0.05)

    def pause(self) -> None:
        """Stop replaying: from now on the standby shows the catalogue as it is now."""
        self.catch_up()
        self.sql("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self.sql("SELECT pg_get_wal_replay_pause_state()") != "paused":
            assert time.monotonic() < deadline, "replay did not pause"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def standby() -> Iterator[Standby]:
    server = Standby(sa.engine.make_url(config["sqlalchemy.url"]))
    try:
        yield server
    finally:
        replica.dispose()
        server.remove()


@pytest.fixture
def replicas(standby: Standby, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Standby:
    """CKAN reads searches from the standby (with replay running, and a fresh process state)."""
    if not standby.running():
        standby.start()
    standby.catch_up()
    monkeypatch.setitem(ckan_config, "ckanext.sach.search.replica_urls", standby.url)
    replica.dispose()
    yield standby
    replica.dispose()
    if not standby.running():
        standby.start()
    standby.catch_up()


@pytest.fixture
def people() -> dict[str, Any]:
    writer = factories.User(name="capturista")
    reader = factories.User(name="lectora")
    org = factories.Organization(
        name="obras-publicas", users=[{"name": writer["name"], "capacity": "editor"}]
    )
    return {
        "org": org,
        "writer": {"Authorization": factories.APIToken(user=writer["name"])["token"]},
        "reader": {"Authorization": factories.APIToken(user=reader["name"])["token"]},
    }


def _create(client: Any, headers: dict[str, str], org: dict[str, Any], name: str) -> None:
    response = client.post("/api/3/action/package_create", headers=headers,
                           json={"name": name, "title": f"Bacheo {name}", "owner_org": org["id"]})
    assert response.status_code == 200, response.body


def _found(client: Any, name: str, headers: dict[str, str] | None = None,
           q: str = "bacheo") -> bool:
    """Whether `package_search` through the API (as the visitor of `headers`) finds `name`."""
    response = client.get("/api/3/action/package_search", headers=headers or {},
                          query_string={"q": q, "rows": 100})
    assert response.status_code == 200, response.body
    return name in [d["name"] for d in response.json["result"]["results"]]


def _page_lists(client: Any, name: str, headers: dict[str, str] | None = None) -> bool:
    """Whether the catalogue page /dataset/?q=bacheo lists `name`."""
    response = client.get("/dataset/", headers=headers or {}, query_string={"q": "bacheo"})
    assert response.status_code == 200
    return f'href="/dataset/{name}"' in response.body


@pytest.mark.ckan_config("ckanext.sach.search.cache_seconds", 0)
@pytest.mark.ckan_config("ckanext.sach.search.replica_max_lag_seconds", 3600)
def test_anonymous_reads_the_replica_and_the_writer_reads_own_writes(replicas, people, make_app):
    writer_app, visitor_app = make_app(), make_app()
    _create(writer_app, people["writer"], people["org"], "bacheo-2024")
    replicas.pause()

    _create(writer_app, people["writer"], people["org"], "bacheo-2025")
    # The writer sees the new dataset at once, through the API and in the catalogue page...
    assert _found(writer_app, "bacheo-2025", people["writer"])
    assert _page_lists(writer_app, "bacheo-2025", people["writer"])
    autocomplete = writer_app.get("/api/3/action/package_autocomplete",
                                  headers=people["writer"], query_string={"q": "bacheo"})
    assert {d["name"] for d in autocomplete.json["result"]} == {"bacheo-2024", "bacheo-2025"}
    # ...while a visitor and another user read the replica, which has not replayed it yet.
    assert _found(visitor_app, "bacheo-2024")
    assert not _found(visitor_app, "bacheo-2025")
    assert not _page_lists(visitor_app, "bacheo-2025")
    assert not _found(visitor_app, "bacheo-2025", people["reader"])
    autocomplete = visitor_app.get("/api/3/action/package_autocomplete",
                                   query_string={"q": "bacheo"})
    assert {d["name"] for d in autocomplete.json["result"]} == {"bacheo-2024"}
    # Reads outside a web request (CLI, jobs) use the primary.
    assert call_action("package_search", q="bacheo")["count"] == 2

    replicas.catch_up()
    assert _found(visitor_app, "bacheo-2025")
    assert _page_lists(visitor_app, "bacheo-2025")


@pytest.mark.ckan_config("ckanext.sach.search.cache_seconds", 300)
@pytest.mark.ckan_config("ckanext.sach.search.replica_max_lag_seconds", 3600)
def test_a_lagging_replica_answer_is_not_cached(replicas, people, make_app):
    writer_app, visitor_app = make_app(), make_app()
    _create(writer_app, people["writer"], people["org"], "bacheo-2024")
    replicas.catch_up()
    assert _found(visitor_app, "bacheo-2024")  # a replica answer, cached
    replicas.pause()
    _create(writer_app, people["writer"], people["org"], "bacheo-2025")
    assert not _found(visitor_app, "bacheo-2025")  # the replica's stale view...
    replicas.catch_up()
    assert _found(visitor_app, "bacheo-2025")  # ...was not cached under the new generation

    # An answer from a replica that has replayed every index write is cached: a document written
    # behind CKAN's back (no new generation) and replayed by the replica stays unseen.
    assert _found(visitor_app, "bacheo-2025", q="*:*")
    _sneak_in_a_document()
    replicas.catch_up()
    assert not _found(visitor_app, "sneaky", q="*:*")


@pytest.mark.ckan_config("ckanext.sach.search.cache_seconds", 0)
@pytest.mark.ckan_config("ckanext.sach.search.replica_max_lag_seconds", 1)
def test_a_replica_too_far_behind_is_not_read(replicas, people, make_app):
    writer_app, visitor_app = make_app(), make_app()
    replicas.pause()
    _create(writer_app, people["writer"], people["org"], "bacheo-2025")
    time.sleep(1.5)  # the replica's view is now more than a second old
    assert _found(visitor_app, "bacheo-2025")  # so the primary answers


@pytest.mark.ckan_config("ckanext.sach.search.cache_seconds", 0)
@pytest.mark.ckan_config("ckanext.sach.search.replica_max_lag_seconds", 3600)
@pytest.mark.ckan_config("ckanext.sach.search.replica_retry_seconds", 1)
def test_searches_survive_a_replica_outage_and_use_it_again(replicas, people, make_app, caplog):
    writer_app, visitor_app = make_app(), make_app()
    replicas.stop()
    with caplog.at_level(logging.WARNING, logger="ckanext.sach.search.replica"):
        _create(writer_app, people["writer"], people["org"], "bacheo-2024")
        assert _found(visitor_app, "bacheo-2024")  # from the primary, no error
        assert _page_lists(visitor_app, "bacheo-2024")
    assert any("cannot answer" in r.getMessage() for r in caplog.records)
    warnings = len(caplog.records)
    assert _found(visitor_app, "bacheo-2024")
    assert len(caplog.records) == warnings, "one warning per outage, not one per search"

    replicas.start()
    replicas.pause()
    time.sleep(1.1)  # the retry delay
    _create(writer_app, people["writer"], people["org"], "bacheo-2025")
    assert _found(visitor_app, "bacheo-2024")
    assert not _found(visitor_app, "bacheo-2025")  # the replica answers again
