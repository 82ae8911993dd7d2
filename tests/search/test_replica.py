"""Search reads on a real PostgreSQL streaming replica of the test database.

The module clones the test cluster (the one `scripts/services.sh` runs) with `pg_basebackup -R`
into a temporary folder and starts it as a hot standby on a free port (tests/search/standby.py);
it is skipped only where pg_basebackup is not installed (CI's postgresql-15 has it). Reads are
told apart by pausing the standby's WAL replay (`pg_wal_replay_pause()`): a dataset created
afterwards exists on the primary only, so a search that does not find it was answered by the
replica.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from ckan.common import config
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.sach.search import replica
from tests.search.conftest import PLUGINS
from tests.search.standby import Standby, pg_bindir
from tests.search.test_cache import _sneak_in_a_document

BINDIR = pg_bindir()

pytestmark = [
    pytest.mark.skipif(BINDIR is None, reason="pg_basebackup/pg_ctl not installed"),
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture(scope="module")
def standby() -> Iterator[Standby]:
    assert BINDIR is not None
    server = Standby(sa.engine.make_url(config["sqlalchemy.url"]), BINDIR)
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


def test_a_forked_process_opens_its_own_replica_connections(replicas):
    """gunicorn forks workers from a loaded app: a child must not use, nor close, the parent's
    pooled replica connections."""
    backend_pid = sa.text("SELECT pg_backend_pid()")
    parent = replica.replicas()[0]
    with parent.engine.connect() as connection:
        before = connection.execute(backend_pid).scalar()
    child_pid = os.fork()
    if child_pid == 0:  # the child: its own engine, its own server process
        code = 1
        try:
            child = replica.replicas()[0]
            with child.engine.connect() as connection:
                mine = connection.execute(backend_pid).scalar()
            code = 0 if child is not parent and mine != before else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(child_pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with parent.engine.connect() as connection:  # the parent's connection survived the child
        assert connection.execute(backend_pid).scalar() == before


@pytest.mark.ckan_config("ckanext.sach.search.cache_seconds", 0)
@pytest.mark.ckan_config("ckanext.sach.search.replica_max_lag_seconds", 3600)
def test_an_unreachable_replica_is_skipped_for_a_reachable_one(
    replicas, people, make_app, ckan_config, monkeypatch, caplog
):
    nobody = sa.engine.make_url(replicas.url).set(port=_closed_port())
    urls = f"{nobody.render_as_string(hide_password=False)} {replicas.url}"
    monkeypatch.setitem(ckan_config, "ckanext.sach.search.replica_urls", urls)
    writer_app, visitor_app = make_app(), make_app()
    replicas.pause()
    _create(writer_app, people["writer"], people["org"], "bacheo-2025")
    with caplog.at_level(logging.WARNING, logger="ckanext.sach.search.replica"):
        for _ in range(4):  # whichever replica's turn it is, the reachable one answers
            assert not _found(visitor_app, "bacheo-2025")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f":{nobody.port}/" in warnings[0]


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
