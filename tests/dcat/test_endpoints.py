"""The DCAT endpoints as an aggregator uses them: formats, hydra paging, caching, errors."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import rdflib
from rdflib.namespace import RDF

from ckan.tests.helpers import call_action

from ckanext.dcat.processors import HYDRA
from ckanext.dcat.profiles import DCAT, DCT, FOAF

pytestmark = pytest.mark.usefixtures("with_plugins")

PARSE = {"ttl": "turtle", "n3": "n3", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}
TYPES = {"ttl": "text/turtle", "n3": "text/n3", "rdf": "application/rdf+xml",
         "xml": "application/rdf+xml", "jsonld": "application/ld+json"}


def _graph(body: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=PARSE[fmt])


def _names(g: rdflib.Graph) -> set[str]:
    from ckanext.sach.dcat.terms import SACH

    return {str(g.value(d, SACH.name)) for d in g.subjects(RDF.type, DCAT.Dataset)}


def _path(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + ("?" + parsed.query if parsed.query else "")


def _public_names(catalogue: dict[str, Any]) -> set[str]:
    return {d["name"] for d in catalogue["public"]}


@pytest.mark.parametrize("fmt", sorted(PARSE))
def test_catalog_and_dataset_in_every_format(app: Any, catalogue: dict[str, Any], fmt: str) -> None:
    for url in (f"/catalog.{fmt}", f"/catalog/full.{fmt}"):
        response = app.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(TYPES[fmt])
        g = _graph(response.body, fmt)
        assert _names(g) == _public_names(catalogue)
        [catalog] = list(g.subjects(RDF.type, DCAT.Catalog))
        assert len(list(g.objects(catalog, DCAT.dataset))) == 3

    response = app.get(f"/dataset/presupuesto-2024.{fmt}")
    assert response.status_code == 200
    assert _names(_graph(response.body, fmt)) == {"presupuesto-2024"}
    # by id as well as by name
    dataset_id = catalogue["public"][0]["id"]
    assert app.get(f"/dataset/{dataset_id}.{fmt}").status_code == 200


def test_alternate_links_point_at_site_endpoints(app: Any, catalogue: dict[str, Any]) -> None:
    page = app.get("/dataset/presupuesto-2024").body
    assert "/dataset/" + catalogue["public"][0]["id"] + ".ttl" in page


def _walk(app: Any, first: str) -> tuple[list[str], list[dict[str, Any]]]:
    names, pages, url = [], [], first
    while url:
        response = app.get(url)
        assert response.status_code == 200, response.body
        g = _graph(response.body, "ttl")
        [view] = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
        pages.append({"view": view, "next": g.value(view, HYDRA.next), "count": g.value(view, HYDRA.totalItems),
                      "per_page": g.value(view, HYDRA.itemsPerPage), "last": g.value(view, HYDRA.last)})
        names.extend(sorted(_names(g)))
        url = _path(str(pages[-1]["next"])) if pages[-1]["next"] else None
    return names, pages


def test_hydra_paging_walks_every_dataset_once(app: Any, catalogue: dict[str, Any]) -> None:
    names, pages = _walk(app, "/catalog.ttl?page_size=2")
    assert sorted(names) == sorted(_public_names(catalogue))
    assert len(pages) == 2
    assert int(pages[0]["count"]) == 3 and int(pages[0]["per_page"]) == 2
    assert parse_qs(urlparse(str(pages[0]["last"])).query)["page"] == ["2"]


def test_paging_stable_while_datasets_are_edited(app: Any, catalogue: dict[str, Any]) -> None:
    """Stock ckanext-dcat pages by offset over metadata_modified desc: an edit during a harvest
    moves a dataset to page 1 (skipped) or pushes another onto the next page (repeated)."""
    first = app.get("/catalog.ttl?page_size=1")
    g = _graph(first.body, "ttl")
    seen = sorted(_names(g))
    [view] = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
    url = _path(str(g.value(view, HYDRA.next)))
    sysadmin = catalogue["sysadmin"]["name"]
    while url:
        # edit every dataset, seen and unseen, before fetching the next page
        for dataset in catalogue["public"]:
            call_action("package_patch", context={"user": sysadmin}, id=dataset["id"],
                        notes=f"Editado {dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()}")
        g = _graph(app.get(url).body, "ttl")
        seen.extend(sorted(_names(g)))
        [view] = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
        nxt = g.value(view, HYDRA.next)
        url = _path(str(nxt)) if nxt else None
    assert sorted(seen) == sorted(_public_names(catalogue))
    assert len(seen) == len(set(seen))


def test_page_links_are_url_encoded(app: Any, catalogue: dict[str, Any]) -> None:
    since = "2000-01-01T00:00:00+00:00"
    response = app.get("/catalog.ttl", query_string={"modified_since": since, "page_size": "1"})
    g = _graph(response.body, "ttl")
    [view] = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
    nxt = str(g.value(view, HYDRA.next))
    assert "%2B00%3A00" in nxt and "+00:00" not in nxt
    assert parse_qs(urlparse(nxt).query)["modified_since"] == [since]
    assert app.get(_path(nxt)).status_code == 200


@pytest.mark.ckan_config("ckan.search.rows_max", "2")
def test_page_size_never_exceeds_rows_max(app: Any, catalogue: dict[str, Any]) -> None:
    g = _graph(app.get("/catalog.ttl?page_size=500").body, "ttl")
    [view] = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert int(g.value(view, HYDRA.itemsPerPage)) == 2
    assert len(_names(g)) == 2


@pytest.mark.ckan_config("ckanext.sach.dcat.page_size", "1000")
@pytest.mark.ckan_config("ckan.search.rows_max", "2")
def test_configured_page_size_is_capped_too(app: Any, catalogue: dict[str, Any]) -> None:
    assert len(_names(_graph(app.get("/catalog.ttl").body, "ttl"))) == 2


def test_modified_since(app: Any, catalogue: dict[str, Any]) -> None:
    future = (dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)).date().isoformat()
    assert _names(_graph(app.get(f"/catalog.ttl?modified_since={future}").body, "ttl")) == set()
    assert _names(_graph(app.get("/catalog.ttl?modified_since=2000-01-01").body, "ttl")) == _public_names(catalogue)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]}, id="atlas-riesgos",
                notes="Actualizado")
    assert _names(_graph(app.get(f"/catalog.ttl?modified_since={before}").body, "ttl")) == {"atlas-riesgos"}


@pytest.mark.parametrize("url", [
    "/catalog.ttl?page=0", "/catalog.ttl?page=-1", "/catalog.ttl?page=abc", "/catalog.ttl?page=99",
    "/catalog.ttl?modified_since=garbage", "/catalog.ttl?modified_since=2024-13-45",
    "/catalog.ttl?page_size=0", "/catalog.ttl?page_size=x", "/catalog.ttl?cursor=%%%",
    "/catalog.ttl?cursor=bm90IGpzb24", "/catalog.foo", "/catalog/full.foo", "/catalog/full.ttl?modified_since=nope",
    "/dataset/presupuesto-2024.foo", "/dataset/no-existe.ttl", "/catalog/withdrawn.json",
    "/catalog/withdrawn.json?since=ayer",
])
def test_bad_parameters_get_4xx_with_message(app: Any, catalogue: dict[str, Any], url: str) -> None:
    response = app.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert json.loads(response.body)["error"]


def test_etag_last_modified_and_304(app: Any, catalogue: dict[str, Any]) -> None:
    for url in ("/catalog.ttl", "/catalog/full.jsonld", "/dataset/presupuesto-2024.ttl", "/data.json"):
        first = app.get(url)
        assert first.body
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert "public" in first.headers["Cache-Control"] and "max-age=" in first.headers["Cache-Control"]
        again = app.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.body == ""
        since = app.get(url, headers={"If-Modified-Since": modified})
        assert since.status_code == 304

    current = app.get("/dataset/presupuesto-2024.ttl")
    assert current.body
    etag = current.headers["ETag"]
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]}, id="presupuesto-2024",
                title="Presupuesto de egresos 2024 (revisado)")
    changed = app.get("/dataset/presupuesto-2024.ttl", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "(revisado)" in changed.body
    listed = app.get("/catalog.ttl")
    assert "atlas-riesgos" in listed.body
    catalog_etag = listed.headers["ETag"]
    call_action("package_delete", context={"user": catalogue["sysadmin"]["name"]}, id="atlas-riesgos")
    after = app.get("/catalog.ttl", headers={"If-None-Match": catalog_etag})
    assert after.status_code == 200 and "atlas-riesgos" not in after.body


def test_content_negotiation(app: Any, catalogue: dict[str, Any]) -> None:
    response = app.get("/dataset/presupuesto-2024", headers={"Accept": "text/turtle"})
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert _names(_graph(response.body, "ttl")) == {"presupuesto-2024"}
    html = app.get("/dataset/presupuesto-2024", headers={"Accept": "text/html,application/xhtml+xml"})
    assert html.headers["Content-Type"].startswith("text/html")
    home = app.get("/", headers={"Accept": "application/ld+json"})
    assert home.headers["Content-Type"].startswith("application/ld+json")
    assert _names(_graph(home.body, "jsonld")) == _public_names(catalogue)
    assert app.get("/", headers={"Accept": "text/html"}).headers["Content-Type"].startswith("text/html")


def test_cache_is_used_and_invalidated(app: Any, catalogue: dict[str, Any], run_jobs: Any) -> None:
    from ckan.lib.redis import connect_to_redis

    from ckanext.sach.dcat import cache

    budget = catalogue["public"][0]
    redis = connect_to_redis()
    assert app.get("/catalog/full.ttl").body
    key = cache.PREFIX + budget["id"]
    assert redis.hget(key, "ttl") is not None
    assert redis.ttl(key) > 0

    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]}, id=budget["id"],
                title="Presupuesto modificado")
    # the old entry no longer matches the dataset's revision: never served
    assert "Presupuesto modificado" in app.get("/catalog/full.ttl").body
    assert redis.hget(key, "ttl").decode().startswith(
        call_action("package_show", id=budget["id"])["metadata_modified"])

    run_jobs()
    call_action("organization_patch", context={"user": catalogue["sysadmin"]["name"]},
                id=catalogue["orgs"]["tesoreria"]["id"], title="Tesorería Municipal (renombrada)")
    # until the rebuild job runs, the previous entry is served; then the new one
    assert "Tesorería Municipal (renombrada)" not in app.get("/dataset/presupuesto-2024.ttl").body
    run_jobs()
    g = _graph(app.get("/dataset/presupuesto-2024.ttl").body, "ttl")
    creators = {str(g.value(c, FOAF.name)) for c in g.objects(None, DCT.creator)}
    assert creators == {"Tesorería Municipal (renombrada)"}


def test_catalogue_settings_change_rebuilds_output(app: Any, catalogue: dict[str, Any], ckan_config: Any,
                                                   monkeypatch: Any, run_jobs: Any) -> None:
    assert app.get("/dataset/presupuesto-2024.ttl").body
    monkeypatch.setitem(ckan_config, "ckanext.sach.dcat.publisher_uri", "https://sach.gob.mx/ayuntamiento")
    # served warm from the previous entry while the first request queues the rebuild …
    stale = app.get("/dataset/presupuesto-2024.ttl")
    assert "stale=1" in stale.headers["X-DCAT-Entries"]
    assert run_jobs() >= 1
    # … which writes the new settings into every entry
    g = _graph(app.get("/dataset/presupuesto-2024.ttl").body, "ttl")
    assert {str(p) for p in g.objects(None, DCT.publisher)} == {"https://sach.gob.mx/ayuntamiento"}


def test_other_dataset_types_are_not_exported(app: Any, catalogue: dict[str, Any]) -> None:
    from ckanext.sach import vocab
    from ckanext.sach.microsite import helpers

    card = call_action(
        "package_create", context={"user": catalogue["sysadmin"]["name"]}, type="informacion_util",
        name="tarjeta-presupuesto", title="Tarjeta: el presupuesto explicado", notes="Contenido del micrositio.",
        owner_org=catalogue["orgs"]["tesoreria"]["id"], topic=vocab.items("themes")[0]["value"],
        audience=[helpers.sach_microsite_audience_choices()[0]["value"]], info_date="2025-01-01")
    assert call_action("package_search", fq="+dataset_type:informacion_util")["count"] == 1
    for url in ("/catalog.ttl", "/catalog/full.ttl", "/data.json", "/catalog.ttl?modified_since=2000-01-01"):
        body = app.get(url).body
        assert catalogue["public"][0]["title"] in body or catalogue["public"][0]["id"] in body
        assert card["id"] not in body and card["name"] not in body, url
    assert app.get(f"/dataset/{card['name']}.ttl").status_code == 404
    api = app.get("/api/3/action/dcat_catalog_show?format=ttl")
    assert api.status_code == 200
    assert catalogue["public"][0]["id"] in api.body
    assert card["id"] not in api.body
