"""Exports under load and faults (issue #12): concurrent cold exports leave no database
connection checked out or "idle in transaction"; a Redis outage or restart in the
middle of a harvest is survived; junk in ``/dataset/<id>.<fmt>`` is a 4xx."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import rdflib
import requests
from sqlalchemy import create_engine
from sqlalchemy import text as sa_text

import ckan.lib.redis as ckan_redis
from ckan import model
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins")

SITE_PORT = 5161
REDIS_PORT = 63769
EXPORTS = ["/catalog/full.ttl", "/catalog/full.jsonld", "/data.json", "/catalog.ttl?page_size=2",
           "/catalog.rdf", "/catalog/full.rdf"]


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The test app behind a real threaded HTTP server on this helper's port."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", SITE_PORT, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{SITE_PORT}"
    finally:
        server.shutdown()
        thread.join(5)


def _connections() -> list[tuple[str, str]]:
    """(state, query) of every other connection to this test database."""
    engine = create_engine(str(model.meta.engine.url), poolclass=__import__("sqlalchemy").pool.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa_text(
                "SELECT coalesce(state, ''), left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))]
    finally:
        engine.dispose()


def _assert_no_connection_left() -> None:
    """No connection of this database is left "idle in transaction" and none is checked out
    of the site's pool. (The test configuration uses a NullPool, which has no checked-out
    count; there a leaked session shows up as "idle in transaction" — that is what the old
    streamed bodies left, ten of them for this test. Idle connections of other engines,
    such as the CLI's, are not the site's and not counted.)"""
    model.Session.remove()  # the test's own session
    pool = model.meta.engine.pool
    deadline = time.time() + 5
    while True:
        others = _connections()
        stuck = [c for c in others if c[0].startswith("idle in transaction")]
        checked_out = pool.checkedout() if hasattr(pool, "checkedout") else 0
        if (not stuck and not checked_out) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert stuck == [], stuck
    assert checked_out == 0, pool.status()


def test_concurrent_cold_exports_leave_no_connection_open(served: str, catalogue: dict[str, Any]) -> None:
    from ckanext.sach.dcat import cache

    cache.clear()
    model.Session.remove()

    def fetch(path: str) -> tuple[str, int, int]:
        response = requests.get(served + path, timeout=60)
        return path, response.status_code, len(response.content)

    with ThreadPoolExecutor(8) as pool:  # 8 at a time, 24 exports, each cold
        results = list(pool.map(fetch, EXPORTS * 4))
    assert all(status == 200 and size > 500 for _, status, size in results), results
    _assert_no_connection_left()
    # and the site still answers
    assert requests.get(served + "/catalog.ttl", timeout=30).status_code == 200
    _assert_no_connection_left()


# ------------------------------------------------------------ private Redis
@pytest.fixture
def private_redis() -> Iterator[dict[str, Any]]:
    """A redis-server of our own (port 63769, temp dir), so it can be stopped and restarted."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    workdir = tempfile.mkdtemp(prefix="dcat-redis-")
    state: dict[str, Any] = {"proc": None, "url": f"redis://127.0.0.1:{REDIS_PORT}/0"}

    def start() -> None:
        state["proc"] = subprocess.Popen(
            [binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--dir", workdir,
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=0.2).close()
            except OSError:
                time.sleep(0.05)
            else:
                return
        raise RuntimeError("private redis-server did not start")

    def stop() -> None:
        proc = state["proc"]
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(10)
        state["proc"] = None

    state["start"], state["stop"] = start, stop
    start()
    try:
        yield state
    finally:
        stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def on_private_redis(private_redis: dict[str, Any], ckan_config: Any, monkeypatch: Any) -> Iterator[dict[str, Any]]:
    monkeypatch.setitem(ckan_config, "ckan.redis.url", private_redis["url"])
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    yield private_redis
    ckan_redis._connection_pool = None


def _walk(app: Any, base: str = "/catalog.ttl?page_size=1") -> tuple[set[str], list[str]]:
    titles: set[str] = set()
    entries: list[str] = []
    url: str | None = base
    while url:
        response = app.get(url)
        assert response.status_code == 200, response.body[:300]
        entries.append(response.headers["X-DCAT-Entries"])
        g = rdflib.Graph().parse(data=response.body, format="turtle")
        titles |= {str(t) for t in g.objects(None, rdflib.DCTERMS.title)
                   if (None, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset"))}
        hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
        view = g.value(predicate=rdflib.RDF.type, object=hydra.PartialCollectionView)
        nxt = g.value(view, hydra.next)
        url = str(nxt).replace("http://test.ckan.net", "") if nxt else None
    return titles, entries


def test_redis_outage_and_restart_mid_harvest(app: Any, catalogue: dict[str, Any],
                                              on_private_redis: dict[str, Any]) -> None:
    from ckanext.sach.dcat import cache

    expected = {d["title"] for d in catalogue["public"]}
    assert cache.clear() == 0  # the private Redis starts empty
    _walk(app)  # cold: builds and caches every entry in the private Redis
    titles, entries = _walk(app)
    assert titles >= expected and all("cached=1" in e for e in entries), entries

    first = app.get("/catalog.ttl?page_size=1")
    assert "cached=1" in first.headers["X-DCAT-Entries"]

    on_private_redis["stop"]()  # outage in the middle of the harvest
    titles, entries = _walk(app)
    assert expected <= titles
    assert all("built=1" in e for e in entries), entries  # built without the cache
    for path in [*EXPORTS, f"/dataset/{catalogue['public'][0]['name']}.jsonld"]:
        assert app.get(path).status_code == 200, path
    # a change while Redis is down still commits (its job simply is not queued)
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]},
                id=catalogue["public"][2]["id"], title="Padrón de comercios 2025")
    _assert_no_connection_left()

    on_private_redis["start"]()  # restarted empty
    titles, entries = _walk(app)
    assert "Padrón de comercios 2025" in titles and len(titles & expected) == 2
    titles, entries = _walk(app)  # the restart's cold entries were cached again
    assert all("cached=1" in e for e in entries), entries
    _assert_no_connection_left()


@pytest.mark.parametrize("path", [
    "/dataset/presupuesto-2024%00.ttl", "/dataset/%00.jsonld", "/dataset/pres%00upuesto.rdf",
    "/dataset/" + "x" * 5000 + ".ttl", "/dataset/presupuesto-2024.%00", "/dataset/%C3%28.ttl",
    "/dataset/..%2F..%2Fetc.ttl", "/dataset/presupuesto-2024.ttl%00",
])
def test_junk_in_dataset_export_urls_is_a_4xx(app: Any, catalogue: dict[str, Any], path: str) -> None:
    response = app.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)


def test_junk_dataset_key_through_content_negotiation(app: Any, catalogue: dict[str, Any]) -> None:
    response = app.get("/dataset/presupuesto%002024", headers={"Accept": "text/turtle"})
    assert 400 <= response.status_code < 500
