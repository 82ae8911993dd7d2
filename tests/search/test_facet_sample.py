"""Facet counts of a very broad search are estimated from a sample of its matches, and say so.

`ckanext.sach.search.facet_sample_size` (2,000 by default; 6 here, over a catalogue of 24) is how
many matches the facets count: a search that matches more gets facet counts scaled from a uniform
sample of about that many, `facets_estimated: true` in the API and "≈" on the page, while its hit
count and its results (order included) stay exactly those of a full count. Up to that many matches
everything is exact, and 0 turns the sampling off."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ckan.tests import factories

from tests.factories import SachDatasetFactory

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

API = "/api/3/action/package_search"
FACETS = ["organization", "res_format", "tags"]
ORGS = ["tesoreria", "obras", "dif"]
FORMATS = ["CSV", "XLSX", "JSON"]
TOTAL = 24


@pytest.fixture
def catalogue(app: Any) -> None:
    build_catalogue()


def build_catalogue() -> None:
    """24 public datasets about "presupuesto", spread over 3 organizations and 3 formats; the
    first 4 also mention "alumbrado"."""
    sysadmin = factories.Sysadmin()
    orgs = [factories.Organization(name=name) for name in ORGS]
    for i in range(TOTAL):
        SachDatasetFactory(
            user=sysadmin, name=f"presupuesto-{i:02d}", owner_org=orgs[i % 3]["id"],
            title=f"Presupuesto por partida {i}" + (" y alumbrado" if i < 4 else ""),
            tag_string="presupuesto,finanzas" if i % 2 else "presupuesto",
            resources=[{"url": f"https://sach.gob.mx/datos/p{i}.csv", "name": "Datos",
                        "format": FORMATS[i % 3]}],
        )


def _search(app: Any, **params: Any) -> dict[str, Any]:
    query = {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    response = app.get(API, query_string=query)
    assert response.status_code == 200, response.body
    return response.json["result"]


def _counts(result: dict[str, Any], field: str) -> dict[str, int]:
    return {i["name"]: i["count"] for i in result["search_facets"][field]["items"]}


@pytest.mark.ckan_config("ckanext.sach.search.facet_sample_size", "6")
def test_broad_search_estimates_facets_and_keeps_hits_and_order_exact(
    app: Any, catalogue: None, ckan_config: Any, monkeypatch: Any
) -> None:
    sampled = _search(app, q="presupuesto", rows=TOTAL, **{"facet.field": FACETS})
    assert sampled["facets_estimated"] is True
    assert sampled["count"] == TOTAL
    # every dataset has one organization and one format: the scaled counts add up to about the
    # hit count (rounding), and no value is counted more often than it occurs
    for field, values in (("organization", ORGS), ("res_format", FORMATS)):
        counts = _counts(sampled, field)
        assert set(counts) <= set(values), (field, counts)
        assert abs(sum(counts.values()) - TOTAL) <= len(values), (field, counts)

    monkeypatch.setitem(ckan_config, "ckanext.sach.search.facet_sample_size", "0")
    exact = _search(app, q="presupuesto", rows=TOTAL, **{"facet.field": FACETS})
    assert exact["facets_estimated"] is False
    assert exact["count"] == TOTAL
    assert [d["name"] for d in sampled["results"]] == [d["name"] for d in exact["results"]]
    assert _counts(exact, "organization") == dict.fromkeys(ORGS, TOTAL // 3)
    assert _counts(exact, "tags") == {"presupuesto": TOTAL, "finanzas": TOTAL // 2}


@pytest.mark.ckan_config("ckanext.sach.search.facet_sample_size", "6")
def test_search_within_the_sample_size_counts_exactly(app: Any, catalogue: None) -> None:
    narrow = _search(app, q="alumbrado", **{"facet.field": FACETS})
    assert narrow["count"] == 4
    assert narrow["facets_estimated"] is False
    assert _counts(narrow, "organization") == {"tesoreria": 2, "obras": 1, "dif": 1}
    for org, count in _counts(narrow, "organization").items():
        assert _search(app, q="alumbrado", fq=f'organization:"{org}"')["count"] == count


@pytest.mark.ckan_config("ckanext.sach.search.facet_sample_size", "6")
def test_listing_counts_stay_exact(app: Any, catalogue: None) -> None:
    """The catalogue's first page (no free text) counts from the tally, never from a sample."""
    listing = _search(app, q="*:*", **{"facet.field": FACETS})
    assert listing["facets_estimated"] is False
    assert _counts(listing, "res_format") == dict.fromkeys(FORMATS, TOTAL // 3)


@pytest.mark.ckan_config("ckanext.sach.search.facet_sample_size", "6")
def test_page_marks_estimated_counts(app: Any, catalogue: None) -> None:
    broad = app.get("/dataset/", query_string={"q": "presupuesto"})
    assert broad.status_code == 200
    body = broad.body
    assert "24 conjuntos de datos encontrados" in re.sub(r"\s+", " ", body)
    assert "Cifras aproximadas" in body
    assert body.count('<span aria-hidden="true">≈ </span><span class="visually-hidden">aproximadamente </span>') >= 3

    narrow = app.get("/dataset/", query_string={"q": "alumbrado"}).body
    assert "Cifras aproximadas" not in narrow
    assert "aproximadamente" not in narrow
    assert '<span class="item-count badge">2</span>' in narrow
