"""The resource page of a loaded table shows its data dictionary and the Data API in Spanish,
the calls it shows work, and DCAT/data.json describe the API (never for private datasets)."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest
import rdflib
from rdflib.namespace import RDF

from ckanext.dcat.profiles import DCAT, DCT

pytestmark = pytest.mark.usefixtures("with_plugins")


def _page(app: Any, dataset: dict[str, Any], user: dict[str, Any] | None = None) -> str:
    res = dataset["resources"][0]
    headers = {"Authorization": user["token"]} if user else {}
    return app.get(f"/dataset/{dataset['name']}/resource/{res['id']}", headers=headers).body


def test_resource_page_shows_dictionary_and_api(app: Any, tables: dict[str, Any]) -> None:
    body = _page(app, tables["public"])
    rid = tables["resource"]["id"]
    assert "Diccionario de datos" in body and "API de datos para desarrolladores" in body
    # the dictionary: column, type, label, description
    assert "<code>reportes</code>" in body and "Número entero" in body
    assert "Reportes atendidos" in body and "Reportes de alumbrado atendidos en el mes." in body
    # the endpoint, the example and the dumps
    assert "http://test.ckan.net/api/3/action/datastore_search" in body
    assert f"datastore_search?resource_id={rid}&amp;limit=5" in body
    assert "curl -X POST" in body
    for link in (f"/datastore/dump/{rid}?bom=True", f"/datastore/dump/{rid}?format=json",
                 f"/datastore/dump-xlsx/{rid}"):
        assert link in body
    # CKAN's field-name accordion is replaced
    assert "accordion-button" not in body


def test_preview_frame_is_named_in_the_page_language(app: Any, tables: dict[str, Any]) -> None:
    """A screen reader announces the table preview's frame in the language of the page."""
    res = tables["public"]["resources"][0]
    path = f"/dataset/{tables['public']['name']}/resource/{res['id']}"
    assert 'aria-label="Visor de datos"' in app.get(path).body
    english = app.get(f"/en{path}").body
    assert 'aria-label="Data viewer"' in english and "Visor de datos" not in english


def test_not_loaded_resource_has_no_api_section(app: Any, tables: dict[str, Any]) -> None:
    body = _page(app, tables["plain"])
    assert "API de datos para desarrolladores" not in body


def test_the_shown_calls_answer(app: Any, tables: dict[str, Any]) -> None:
    from ckanext.sach.explore import api

    rid = tables["resource"]["id"]
    found = app.get(api.search_url(rid).replace("http://test.ckan.net", "")).json["result"]
    assert found["total"] == 4 and len(found["records"]) == 4
    labels = {f["id"]: f.get("info", {}).get("label") for f in found["fields"]}
    assert labels["reportes"] == "Reportes atendidos"
    csv = app.get(f"/datastore/dump/{rid}?bom=True").body
    assert "San Bernardino Tlaxcalancingo" in csv


def test_xlsx_dump(app: Any, tables: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    from tests.views.conftest import load

    rid = tables["resource"]["id"]
    # a value that a spreadsheet would take for a formula stays text
    load(tables["sysadmin"], rid, records=[{"colonia": '=HYPERLINK("x")', "reportes": 1, "mes": "feb"}])
    resp = app.get(f"/datastore/dump-xlsx/{rid}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("colonia", "reportes", "mes")
    assert ("San Bernardino Tlaxcalancingo", 42, "enero") in rows
    assert ('=HYPERLINK("x")', 1, "feb") in rows
    assert sheet["A6"].data_type == "s"


def test_xlsx_dump_of_private_table_refused(app: Any, tables: dict[str, Any]) -> None:
    rid = tables["private"]["resources"][0]["id"]
    resp = app.get(f"/datastore/dump-xlsx/{rid}")
    assert resp.status_code == 403
    assert "No tiene permiso" in resp.body
    assert app.get("/datastore/dump-xlsx/no-existe").status_code == 404


def test_default_table_view_created_on_load(tables: dict[str, Any]) -> None:
    from ckan.tests.helpers import call_action

    views = call_action("resource_view_list", id=tables["resource"]["id"])
    assert [(v["view_type"], v["title"]) for v in views] == [("datatables_view", "Tabla")]
    assert call_action("resource_view_list", id=tables["plain"]["resources"][0]["id"]) == []


def _graph(app: Any, name: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=app.get(f"/dataset/{name}.ttl").body, format="turtle")
    return g


def test_dcat_data_service(app: Any, tables: dict[str, Any]) -> None:
    rid = tables["resource"]["id"]
    g = _graph(app, "alumbrado-2024")
    dist = next(iter(g.subjects(RDF.type, DCAT.Distribution)))
    service = g.value(dist, DCAT.accessService)
    assert service is not None and (service, RDF.type, DCAT.DataService) in g
    assert str(service).endswith(f"/resource/{rid}#api-de-datos")
    assert str(g.value(service, DCAT.endpointURL)) == "http://test.ckan.net/api/3/action/datastore_search"
    assert g.value(service, DCAT.endpointDescription) is not None
    assert "Alumbrado público 2024 (CSV)" in str(g.value(service, DCT.title))
    dataset = next(iter(g.subjects(RDF.type, DCAT.Dataset)))
    assert g.value(service, DCAT.servesDataset) == dataset
    # a dataset without a DataStore table has no access service
    assert _graph(app, "baches-2024").value(None, DCAT.accessService) is None


def test_catalogue_has_no_private_service(app: Any, tables: dict[str, Any]) -> None:
    body = app.get("/catalog.ttl").body
    assert tables["resource"]["id"] in body
    assert tables["private"]["resources"][0]["id"] not in body
    data = app.get("/data.json").body
    assert tables["private"]["resources"][0]["id"] not in data


def test_data_json_api_distribution(app: Any, tables: dict[str, Any]) -> None:
    rid = tables["resource"]["id"]
    doc = json.loads(app.get("/data.json").body)
    entry = next(d for d in doc["dataset"] if d["title"] == "Alumbrado público 2024")
    apis = [d for d in entry["distribution"] if d.get("format") == "API"]
    assert len(apis) == 1
    assert apis[0]["accessURL"] == f"http://test.ckan.net/api/3/action/datastore_search?resource_id={rid}&limit=5"
    assert apis[0]["describedBy"].startswith("https://docs.ckan.org/")
    plain = next(d for d in doc["dataset"] if d["title"] == "Baches 2024")
    assert not [d for d in plain["distribution"] if d.get("format") == "API"]


def test_catalogue_with_data_service_is_shacl_valid(app: Any, tables: dict[str, Any]) -> None:
    import os

    from tests.dcat.test_shacl import SHAPES_DIR, _results

    if not os.path.isdir(SHAPES_DIR):
        pytest.skip(f"DCAT-AP 3.0.1 SHACL shapes not found at {SHAPES_DIR}")
    data = rdflib.Graph().parse(data=app.get("/catalog/full.ttl").body, format="turtle")
    assert len(set(data.subjects(RDF.type, DCAT.DataService))) == 2  # the Action API and the table's
    violations, warnings = _results(data)
    print(f"SHACL: {len(violations)} violations, warnings by path: {dict(warnings)}")
    assert violations == []
