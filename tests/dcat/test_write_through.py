"""Write-through: background jobs (real RQ worker) keep every DCAT/data.json entry warm.

A dataset change is rebuilt right after it commits; a change every entry depends on (a
dependencia's title here) is rebuilt by one job while the previous entries keep being served,
so a harvest walk started right after the change meets no cold entry.
"""
from __future__ import annotations

from typing import Any

import pytest
import rdflib

from ckan.lib import jobs as ckan_jobs
from ckan.lib.redis import connect_to_redis
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins")


def _fields(dataset_id: str) -> dict[str, str]:
    from ckanext.sach.dcat import cache

    raw = connect_to_redis().hgetall(cache.PREFIX + dataset_id)
    return {k.decode(): v.decode().split("\x1f", 1)[0] for k, v in raw.items()}


def _entries(response: Any) -> dict[str, int]:
    return {k.strip(): int(v) for k, v in
            (part.split("=") for part in response.headers["X-DCAT-Entries"].split(","))}


@pytest.fixture
def empty_queue(catalogue: dict[str, Any]) -> dict[str, Any]:
    from ckanext.sach.dcat import cache

    ckan_jobs.get_queue().empty()
    cache.clear()
    return catalogue


def test_a_dataset_change_is_rebuilt_by_a_job_after_commit(app: Any, empty_queue: dict[str, Any],
                                                           run_jobs: Any) -> None:
    catalogue = empty_queue
    dataset = catalogue["public"][0]
    assert _fields(dataset["id"]) == {}

    updated = call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]},
                          id=dataset["id"], title="Presupuesto de egresos 2024 (revisado)")
    assert ckan_jobs.get_queue().count >= 1  # enqueued after the commit, not run inline
    run_jobs()

    fields = _fields(dataset["id"])
    assert set(fields) == {"ttl", "xml", "jsonld", "pod"}
    assert all(v.startswith(updated["metadata_modified"]) for v in fields.values()), fields

    response = app.get(f"/dataset/{dataset['name']}.ttl")
    assert _entries(response) == {"cached": 1, "stale": 0, "built": 0}
    g = rdflib.Graph().parse(data=response.body, format="turtle")
    assert rdflib.Literal("Presupuesto de egresos 2024 (revisado)", lang="es") in set(g.objects()) or \
        rdflib.Literal("Presupuesto de egresos 2024 (revisado)") in set(g.objects())

    # withdrawing (private) drops the entries in the job
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]},
                id=dataset["id"], private=True)
    run_jobs()
    assert _fields(dataset["id"]) == {}


def test_a_settings_change_serves_old_entries_until_the_rebuild(app: Any, cli: Any, run_jobs: Any,
                                                                 empty_queue: dict[str, Any]) -> None:
    from ckan.cli.cli import ckan as ckan_cli

    from ckanext.sach.dcat import cache

    catalogue = empty_queue
    assert cli.invoke(ckan_cli, ["sach", "dcat-warm"]).exit_code == 0
    ckan_jobs.get_queue().empty()
    cache.reset_stats()

    call_action("organization_patch", context={"user": catalogue["sysadmin"]["name"]},
                id=catalogue["orgs"]["tesoreria"]["id"], title="Tesorería y Finanzas")
    assert ckan_jobs.get_queue().count == 1  # one rebuild of everything

    # a harvest walk started immediately: every entry served warm (the old ones)
    url, pages = "/catalog.ttl?page_size=1", 0
    while url:
        response = app.get(url)
        assert response.status_code == 200
        pages += 1
        assert _entries(response)["built"] == 0
        g = rdflib.Graph().parse(data=response.body, format="turtle")
        nxt = g.value(predicate=rdflib.RDF.type, object=rdflib.URIRef("http://www.w3.org/ns/hydra/core#PartialCollectionView"))
        nxt = g.value(nxt, rdflib.URIRef("http://www.w3.org/ns/hydra/core#next"))
        url = str(nxt).replace("http://test.ckan.net", "") if nxt else None
    assert pages == 3
    for path in ("/data.json", "/catalog/full.jsonld", "/catalog.rdf"):
        assert _entries(app.get(path))["built"] == 0, path
    stats = cache.stats()
    assert stats.get("built", 0) == 0 and stats.get("stale", 0) >= 3, stats
    before = app.get("/catalog.ttl")

    assert run_jobs() == 1
    after = app.get("/catalog.ttl")
    assert _entries(after) == {"cached": 3, "stale": 0, "built": 0}
    assert "Tesorería y Finanzas" in after.body
    assert "Tesorería y Finanzas" not in before.body
    # validators follow what was served: the old ETag no longer matches
    assert before.headers["ETag"] != after.headers["ETag"]
    again = app.get("/catalog.ttl", headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200
    assert app.get("/catalog.ttl", headers={"If-None-Match": after.headers["ETag"]}).status_code == 304
    assert cache.stats().get("built", 0) == 0


def test_without_a_worker_a_changed_dataset_is_never_served_stale(app: Any, cli: Any,
                                                                  empty_queue: dict[str, Any]) -> None:
    from ckan.cli.cli import ckan as ckan_cli

    catalogue = empty_queue
    assert cli.invoke(ckan_cli, ["sach", "dcat-warm", "-f", "ttl"]).exit_code == 0
    dataset = catalogue["public"][1]
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]},
                id=dataset["id"], title="Atlas de riesgos 2025")
    response = app.get(f"/dataset/{dataset['id']}.ttl")  # job not run yet: built in the request
    assert _entries(response) == {"cached": 0, "stale": 0, "built": 1}
    assert "Atlas de riesgos 2025" in response.body
