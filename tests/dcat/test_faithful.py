"""Nothing invented, nothing dropped (issue #18): no dct:issued the publisher did not give,
every resource format reaches the RDF (SHACL-valid), data.json's temporal is the envelope
of all periods, and every export response — the withdrawn feed too — carries validators."""
from __future__ import annotations

import json
from typing import Any

import pytest
import rdflib
from rdflib import DCTERMS as DCT

from ckan.tests.helpers import call_action

from tests.dcat.conftest import create, full_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SACH = rdflib.Namespace("https://sach.gob.mx/ns/datos#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"


@pytest.fixture
def odd(catalogue: dict[str, Any]) -> dict[str, Any]:
    """A dataset with no issued date, several and open periods, and unusual formats."""
    return create(catalogue["sysadmin"], **full_dataset(
        name="movilidad", title="Movilidad urbana", owner_org=catalogue["orgs"]["pc"]["id"], identifier="",
        issued="", temporal_coverage=[{"start": "2021-03-01", "end": "2021-12-31"},
                                      {"start": "2019-01-01", "end": "2019-06-30"},
                                      {"start": "2023-01-01"}],
        resources=[
            {"url": "https://sach.gob.mx/datos/movilidad.zip", "name": "GTFS", "format": "GTFS"},
            {"url": "https://sach.gob.mx/datos/movilidad.gpx", "name": "Rutas", "format": "GPX"},
            {"url": "https://sach.gob.mx/datos/movilidad.md", "name": "Notas", "format": "Markdown"},
            {"url": "https://sach.gob.mx/datos/movilidad.csv", "name": "Tabla", "format": "CSV"},
        ]))


def _graph(app: Any, name: str) -> tuple[rdflib.Graph, rdflib.URIRef]:
    g = rdflib.Graph().parse(data=app.get(f"/dataset/{name}.ttl").body, format="turtle")
    return g, next(g.subjects(rdflib.RDF.type, DCAT.Dataset))


def test_no_issued_the_publisher_did_not_give(app: Any, odd: dict[str, Any], catalogue: dict[str, Any]) -> None:
    g, ref = _graph(app, "movilidad")
    assert list(g.objects(ref, DCT.issued)) == []  # stock would write metadata_created here
    for dist in g.objects(ref, DCAT.distribution):
        assert list(g.objects(dist, DCT.issued)) == []  # nor the resource's creation
    g, ref = _graph(app, "presupuesto-2024")
    assert [str(v)[:10] for v in g.objects(ref, DCT.issued)] == ["2024-01-15"]
    pod = json.loads(app.get("/data.json").body)
    entry = next(d for d in pod["dataset"] if d["title"] == "Movilidad urbana")
    assert "issued" not in entry


def test_every_format_reaches_the_rdf(app: Any, odd: dict[str, Any]) -> None:
    g, ref = _graph(app, "movilidad")
    by_title = {str(g.value(d, DCT.title)): d for d in g.objects(ref, DCAT.distribution)}
    assert str(g.value(by_title["Tabla"], DCT["format"])) == FILE_TYPE + "CSV"
    assert str(g.value(by_title["Rutas"], DCT["format"])) == FILE_TYPE + "GPX"
    # no EU file type, a registered media type: the IANA URI
    notes = by_title["Notas"]
    assert g.value(notes, DCT["format"]) is None
    assert str(g.value(notes, DCAT.mediaType)) == IANA + "text/markdown"
    assert str(g.value(notes, SACH["format"])) == "Markdown"
    # neither: kept as given
    gtfs = by_title["GTFS"]
    assert str(g.value(gtfs, SACH["format"])) == "GTFS"
    # and read back by the site's own profile
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["euro_dcat_ap_3", "sach_dcat_ap"])
    parser.g = g
    parsed = next(parser.datasets())
    assert sorted(r["format"] for r in parsed["resources"]) == ["CSV", "GPX", "GTFS", "Markdown"]


def test_odd_formats_stay_shacl_valid(app: Any, odd: dict[str, Any]) -> None:
    import os

    from tests.dcat.test_shacl import SHAPES_DIR, _results

    if not os.path.isdir(SHAPES_DIR):
        pytest.skip(f"DCAT-AP 3.0.1 SHACL shapes not found at {SHAPES_DIR}")
    data = rdflib.Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    violations, _ = _results(data)
    assert violations == []


def test_data_json_temporal_is_the_envelope(app: Any, odd: dict[str, Any]) -> None:
    from ckanext.sach.dcat import pod

    data = json.loads(app.get("/data.json").body)
    entry = next(d for d in data["dataset"] if d["title"] == "Movilidad urbana")
    assert entry["temporal"] == "2019-01-01/.."  # the 2023 period is still open
    assert pod.temporal([{"start": "2020", "end": "2020-06-30"}, {"start": "2019-05-01", "end": "2021"}]) \
        == "2019-05-01/2021"
    assert pod.temporal([{"start": "2024-01-01", "end": "2024-12-31"}]) == "2024-01-01/2024-12-31"
    assert pod.temporal([{"end": "2010-12-31"}, {"start": "2005-01-01", "end": "2006-01-01"}]) == "../2010-12-31"
    assert pod.temporal([]) is None


@pytest.mark.parametrize("path", [
    "/catalog.ttl", "/catalog/full.jsonld", "/dataset/presupuesto-2024.rdf", "/data.json",
    "/catalog/withdrawn.json?since=2000-01-01", "/catalog/withdrawn.json?since=2100-01-01",
])
def test_every_export_response_carries_validators(app: Any, catalogue: dict[str, Any], path: str) -> None:
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]},
                id=catalogue["public"][2]["id"], private=True)
    response = app.get(path)
    assert response.status_code == 200
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        assert response.headers.get(header), (path, header)
    again = app.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304  # (a 304 carries no Last-Modified: RFC 9110 §15.4.5)
    assert again.headers.get("ETag") and again.headers.get("Cache-Control")
    modified = app.get(path, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert modified.status_code == 304
