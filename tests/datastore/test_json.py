"""JSON files that are tables, loaded into the DataStore by this extension's job in a real jobs
worker (xloader does not load JSON), with the same Spanish status, retry and data dictionary."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk

from tests.datastore.test_load import DICTIONARY, _status_of, make_dataset, search, upload
from tests.helpers import csrf_token, login

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

OBRAS = [
    {"colonia": "Tlaxcalancingo", "obra": "Pavimentación", "monto": 1250000.5, "concluida": True},
    {"colonia": "Cacalotepec", "obra": "Alumbrado", "monto": 98000, "concluida": False,
     "ubicacion": {"calle": "5 de Mayo"}},
    {"colonia": "Tonantzintla", "obra": "Drenaje", "monto": None},
]


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _no_table(resource_id: str) -> bool:
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return True
    return False


@pytest.mark.parametrize("document", [OBRAS, {"total": 3, "data": OBRAS}], ids=["array", "data-member"])
def test_a_json_table_is_loaded_with_its_types(app, officer, run_jobs, document):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], _json(document), "obras.json", "JSON")
    run_jobs()
    result = search(app, officer["headers"], res["id"], sort="colonia")["result"]
    assert result["total"] == 3
    types = {f["id"]: f["type"] for f in result["fields"] if f["id"] != "_id"}
    assert types == {"colonia": "text", "obra": "text", "monto": "numeric", "concluida": "bool",
                     "ubicacion": "text"}
    cacalotepec, tlaxcalancingo, tonantzintla = result["records"]
    assert (str(tlaxcalancingo["monto"]), tlaxcalancingo["concluida"]) == ("1250000.5", True)
    assert json.loads(cacalotepec["ubicacion"]) == {"calle": "5 de Mayo"}
    assert tonantzintla["monto"] is None and tonantzintla["concluida"] is None
    login(app, officer["user"])
    status = _status_of(app, pkg, res)
    assert 'data-load-state="loaded"' in status and "Cargado: 3 filas." in status, status
    # a table preview is created, as for xloader's loads
    views = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": res["id"]})
    assert "datatables_view" in {v["view_type"] for v in views}


def test_a_json_table_gets_the_dictionary(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    upload(app, officer, pkg["id"], DICTIONARY, "diccionario.csv", "CSV", resource_role="data_dictionary",
           name="Diccionario de datos")
    data = [{"anio": 2024, "concepto": "Bacheo", "monto": 100}, {"anio": 2025, "concepto": "Poda", "monto": 50}]
    res = upload(app, officer, pkg["id"], _json(data), "presupuesto.json", "JSON")
    run_jobs()
    fields = {f["id"]: f.get("info", {}) for f in search(app, officer["headers"], res["id"])["result"]["fields"]}
    assert fields["monto"]["notes"] == "Monto aprobado en pesos mexicanos"
    assert fields["anio"]["notes"] == "Año del ejercicio fiscal"


def test_a_large_json_table_is_loaded_whole(app, officer, run_jobs):
    """More rows than one chunk of ``datastore_upsert``."""
    pkg = make_dataset(officer["org"], private=True)
    data = {"data": [{"folio": i, "colonia": f"Colonia {i % 7}"} for i in range(2500)]}
    res = upload(app, officer, pkg["id"], _json(data), "folios.json", "JSON")
    run_jobs()
    result = search(app, officer["headers"], res["id"], filters={"colonia": "Colonia 3"}, limit=1)["result"]
    assert search(app, officer["headers"], res["id"], limit=0)["result"]["total"] == 2500
    assert result["total"] == len([i for i in range(2500) if i % 7 == 3])


@pytest.mark.parametrize(("document", "reason"), [
    ({"type": "FeatureCollection", "name": "colonias"}, "El archivo JSON no es una tabla"),
    ([1, 2, 3], "El archivo JSON no es una tabla"),
    ({"a": [{"x": 1}], "b": [{"y": 2}]}, "El archivo JSON no es una tabla"),
    ("texto", "El archivo JSON no es una tabla"),
    ([], "no tiene filas de datos"),
    ({"data": []}, "no tiene filas de datos"),
    ([{"_id": 1}], "nombre de columna del JSON no es válido"),
], ids=["object", "array-of-numbers", "two-arrays", "string", "empty", "empty-member", "reserved-column"])
def test_json_that_is_not_a_table_ends_in_a_spanish_status(app, officer, run_jobs, document, reason):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], _json(document), "datos.json", "JSON")
    run_jobs()
    assert _no_table(res["id"])
    login(app, officer["user"])
    status = _status_of(app, pkg, res)
    assert 'data-load-state="failed"' in status and "La carga como tabla falló" in status, status
    assert reason in status, status


def test_broken_json_is_held_by_the_personal_data_guard(app, officer, run_jobs):
    """The personal-data scan cannot read it either: a failed scan holds the file back."""
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], b'[{"a": 1}, {"a": ', "roto.json", "JSON")
    run_jobs()
    assert _no_table(res["id"])
    login(app, officer["user"])
    assert 'data-load-state="blocked"' in _status_of(app, pkg, res)


@pytest.mark.ckan_config("ckanext.sach.privacy.enabled", False)
def test_broken_json_ends_in_a_spanish_status(app, officer, run_jobs):
    """Where the guard is off (no scan is recorded), the loader itself says the file is broken."""
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], b'[{"a": 1}, {"a": ', "roto.json", "JSON")
    run_jobs()
    assert _no_table(res["id"])
    login(app, officer["user"])
    assert "El archivo no es un JSON válido" in _status_of(app, pkg, res)


def test_a_value_the_table_cannot_hold_leaves_no_half_loaded_table(app, officer, run_jobs):
    """Chunk 1 goes in, chunk 3 fails (PostgreSQL text cannot hold a NUL character): no table stays."""
    pkg = make_dataset(officer["org"], private=True)
    rows = [{"folio": i, "nota": "ok"} for i in range(2500)]
    rows[2200]["nota"] = "a\u0000b"
    body = json.dumps(rows).encode()
    res = upload(app, officer, pkg["id"], body, "montos.json", "JSON")
    log = run_jobs()
    assert _no_table(res["id"]), log[-2000:]
    login(app, officer["user"])
    assert 'data-load-state="failed"' in _status_of(app, pkg, res)


def test_retry_loads_a_json_again(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], _json(OBRAS), "obras.json", "JSON")
    run_jobs()
    tk.get_action("datastore_delete")({"ignore_auth": True}, {"resource_id": res["id"], "force": True})
    login(app, officer["user"])
    assert 'data-load-state="none"' in _status_of(app, pkg, res)
    url = f"/dataset/{pkg['name']}/resource/{res['id']}"
    app.post(url + "/cargar-tabla", data={"_csrf_token": csrf_token(app, url)}, follow_redirects=False, status=302)
    assert 'data-load-state="waiting"' in _status_of(app, pkg, res)
    run_jobs()
    assert search(app, officer["headers"], res["id"])["result"]["total"] == 3
