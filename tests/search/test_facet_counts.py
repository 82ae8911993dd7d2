"""Facets count datasets, as Solr counts documents: for every facet the site shows, in the API
(`search_facets`) and on the dataset search page, each count is the number of datasets that
following the facet then finds — for an anonymous visitor and for an editor who also sees their
organization's private datasets. Datasets here have several files of one format (the format facet
once counted files: "CSV 4" over two datasets)."""
from __future__ import annotations

import copy
import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ckan.tests import factories

from ckanext.sach.indexing import facet_titles
from tests.factories import SachDatasetFactory

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

API = "/api/3/action/package_search"
_FACET_LINK = re.compile(
    r'<a[^>]*href="(/dataset/\?[^"]+)"[^>]*>.*?<span class="item-count badge">(\d+)</span>',
    re.S,
)
_DATASET_LINK = re.compile(r'href="/dataset/([a-z0-9_-]+)"')


def _resources(*formats: str) -> list[dict[str, str]]:
    return [
        {"url": f"https://sach.gob.mx/datos/archivo-{i}.{f.lower()}", "name": f"Archivo {i}",
         "format": f}
        for i, f in enumerate(formats)
    ]


DATASETS = [
    # name, organization, private, fields
    ("presupuesto-egresos", "tesoreria", False, {
        "title": "Presupuesto de egresos", "tag_string": "presupuesto,egresos",
        "license_id": "cc-by-4.0", "resources": _resources("CSV", "CSV", "CSV", "PDF"),
        "groups": [{"name": "finanzas"}],
    }),
    ("padron-proveedores", "tesoreria", True, {
        "title": "Padrón de proveedores", "tag_string": "proveedores,presupuesto",
        "frequency": "R/P3M", "resources": _resources("CSV", "CSV", "XLSX"),
        "groups": [{"name": "finanzas"}],
    }),
    ("consultas-medicas", "dif", False, {
        "title": "Consultas médicas", "sector": "salud", "frequency": "R/P1M",
        "tag_string": "salud,consultas", "license_id": "cc-by-4.0",
        "spatial_coverage": [{"place": "san-rafael-comac"}],
        "resources": _resources("JSON", "JSON", "CSV"),
    }),
    ("expedientes-dif", "dif", True, {
        "title": "Expedientes del DIF", "sector": "salud", "tag_string": "salud",
        "resources": _resources("CSV", "CSV"),
    }),
]
PUBLIC = {name for name, _org, private, _f in DATASETS if not private}
# The editor belongs to Tesorería: they also see its private dataset, not the DIF's.
EDITOR_SEES = PUBLIC | {"padron-proveedores"}


@pytest.fixture
def site(app: Any) -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    editor = factories.User(name="editora")
    orgs = {
        "tesoreria": factories.Organization(
            name="tesoreria", title="Tesorería Municipal",
            users=[{"name": editor["name"], "capacity": "editor"}]),
        "dif": factories.Organization(name="dif", title="Sistema Municipal DIF"),
    }
    factories.Group(name="finanzas", title="Finanzas")
    for name, org, private, fields in DATASETS:
        SachDatasetFactory(user=sysadmin, name=name, owner_org=orgs[org]["id"], private=private,
                           **copy.deepcopy(fields))
    token = factories.APIToken(user=editor["name"])["token"]
    return {"anonymous": {}, "editor": {"Authorization": token}}


def _search(app: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    query = {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    response = app.get(API, query_string=query, headers=headers)
    assert response.status_code == 200, response.body
    return response.json["result"]


def _fq(field: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{field}:"{escaped}"'


@pytest.mark.parametrize(("who", "visible"), [("anonymous", PUBLIC), ("editor", EDITOR_SEES)])
def test_api_facet_counts_are_datasets_found_by_the_facet(
    app: Any, site: dict[str, Any], who: str, visible: set[str]
) -> None:
    headers = site[who]
    fields = [*facet_titles(), "freshness", "openness_stars"]
    result = _search(app, headers, q="*:*", rows=100, include_private=True,
                     **{"facet.field": fields, "facet.limit": -1})
    assert {d["name"] for d in result["results"]} == visible
    facets = result["search_facets"]
    assert set(fields) <= set(facets)
    followed = 0
    for field in fields:
        for item in facets[field]["items"]:
            found = _search(app, headers, q="*:*", rows=100, include_private=True,
                            fq=_fq(field, item["name"]))
            assert found["count"] == item["count"], (who, field, item)
            assert {d["name"] for d in found["results"]} <= visible
            followed += 1
    assert followed >= 12
    # Three CSV files are one dataset; the private ones count only for who may see them.
    formats = {i["name"]: i["count"] for i in facets["res_format"]["items"]}
    assert formats["CSV"] == len(visible)
    assert formats["JSON"] == 1
    tags = {i["name"]: i["count"] for i in facets["tags"]["items"]}
    assert tags["presupuesto"] == (2 if who == "editor" else 1)
    orgs = {i["name"]: i["count"] for i in facets["organization"]["items"]}
    assert orgs == ({"tesoreria": 2, "dif": 1} if who == "editor" else {"tesoreria": 1, "dif": 1})


def _facet_links(body: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(count)) for url, count in _FACET_LINK.findall(body)]


def _listed(body: str) -> set[str]:
    names = {name for name, _org, _private, _fields in DATASETS}
    return {n for n in _DATASET_LINK.findall(body) if n in names}


@pytest.mark.parametrize(("who", "visible"), [("anonymous", PUBLIC), ("editor", EDITOR_SEES)])
def test_page_facet_counts_are_datasets_listed_by_the_facet(
    app: Any, site: dict[str, Any], who: str, visible: set[str]
) -> None:
    headers = site[who]
    page = app.get("/dataset/", headers=headers)
    assert page.status_code == 200
    assert _listed(page.body) == visible
    links = _facet_links(page.body)
    shown = {key for url, _count in links for key, _value in parse_qsl(urlsplit(url).query)}
    assert {"organization", "groups", "res_format", "license_id", "tags"} <= shown
    csv = [count for url, count in links if ("res_format", "CSV") in parse_qsl(urlsplit(url).query)]
    assert csv == [len(visible)]
    for url, count in links:
        filtered = app.get(url, headers=headers)
        assert filtered.status_code == 200, url
        assert len(_listed(filtered.body)) == count, (who, url)
