"""Tabular files loaded into the DataStore by ckanext-xloader in a real jobs worker, with the
Guía's data dictionary applied, and the Spanish load status officers see."""
from __future__ import annotations

import io

import openpyxl
import pytest

import ckan.plugins.toolkit as tk

from tests.factories import dataset_of
from tests.helpers import login

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

DICTIONARY = ("Campo,Tipo,Descripción\n"
              "anio,entero,Año del ejercicio fiscal\n"
              "CONCEPTO,texto,Concepto del gasto según el clasificador por objeto del gasto\n"
              "monto,número,Monto aprobado en pesos mexicanos\n").encode()
DATA = "anio,concepto,monto,observaciones\n2024,Pavimentación,1234567.50,ninguna\n2024,Alumbrado,98765.10,\n"


def make_dataset(org, **overrides):
    return dataset_of(org, resources=[], **overrides)


def upload(app, officer, package_id, data: bytes, filename: str, fmt: str, status: int = 200, **fields):
    payload = {"package_id": package_id, "name": fields.pop("name", filename), "format": fmt,
               "upload": (io.BytesIO(data), filename), **fields}
    return app.post("/api/3/action/resource_create", data=payload, headers=officer["headers"],
                    content_type="multipart/form-data", status=status).json["result"]


def search(app, headers, resource_id, status=200, **params):
    return app.post("/api/3/action/datastore_search", json={"resource_id": resource_id, **params},
                    headers=headers, status=status).json


def test_csv_with_a_dictionary_is_loaded_with_labels_and_descriptions(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    upload(app, officer, pkg["id"], DICTIONARY, "diccionario.csv", "CSV", resource_role="data_dictionary",
           name="Diccionario de datos")
    res = upload(app, officer, pkg["id"], DATA.encode("utf-8"), "presupuesto.csv", "CSV")
    run_jobs()
    result = search(app, officer["headers"], res["id"], filters={"concepto": "Pavimentación"})["result"]
    assert result["total"] == 1 and str(result["records"][0]["monto"]) == "1234567.50"
    fields = {f["id"]: f.get("info", {}) for f in result["fields"]}
    assert fields["anio"] == {"label": "Anio", "notes": "Año del ejercicio fiscal", "type_override": "numeric"}
    assert fields["concepto"]["notes"].startswith("Concepto del gasto")
    assert fields["concepto"]["type_override"] == "text"
    assert fields["monto"]["notes"] == "Monto aprobado en pesos mexicanos"
    assert not fields["observaciones"].get("notes")
    # the officer sees the load on the resource page
    login(app, officer["user"])
    page = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}").body
    assert 'data-load-state="loaded"' in page and "Cargado: 2 filas." in page
    # and the column the dictionary lacks on the quality page
    quality = app.get("/calidad").body
    assert "Columnas sin describir en «presupuesto.csv»: observaciones" in quality


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_is_loaded(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    data = xlsx_bytes(["colonia", "luminarias"], [["Cholula Centro", 120], ["San Bernardino Tlaxcalancingo", 85]])
    res = upload(app, officer, pkg["id"], data, "alumbrado.xlsx", "XLSX")
    run_jobs()
    result = search(app, officer["headers"], res["id"], sort="colonia")["result"]
    assert result["total"] == 2
    assert [r["colonia"] for r in result["records"]] == ["Cholula Centro", "San Bernardino Tlaxcalancingo"]
    assert [str(r["luminarias"]) for r in result["records"]] == ["120", "85"]


def _status_of(app, pkg, res) -> str:
    page = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}", status=200).body
    start = page.index('class="sach-datastore-status')
    return page[start:page.index("</div>", start)]


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "no se pudo leer como una tabla"),
    (b"anio,concepto,monto\n", "no tiene filas de datos"),
    (("anio,concepto,monto\n" + "2024,Bacheo,100\n" * 500 + "2024,Bacheo, calle 5 sur,100\n"
      + "2024,Bacheo,100\n" * 500).encode(), "más o menos valores que columnas"),
], ids=["not-a-table", "no-rows", "ragged-row-midway"])
def test_bad_file_ends_in_a_spanish_status_and_no_table(app, officer, run_jobs, data, reason):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], data, "datos.csv", "CSV")
    log = run_jobs()
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": res["id"]})
    except tk.ObjectNotFound:
        pass
    else:
        pytest.fail("a table was left behind; the job said:\n" + log[-3000:])
    login(app, officer["user"])
    status = _status_of(app, pkg, res)
    assert 'data-load-state="failed"' in status and "La carga como tabla falló" in status, status
    assert reason in status, status
    assert "Volver a cargar como tabla" in status


def test_a_file_in_another_encoding_is_loaded_with_its_accents(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    text = "colonia,obra\n" + "".join(f"Tlaxcalancingo {i},Pavimentación con concreto hidráulico\n" for i in range(50))
    res = upload(app, officer, pkg["id"], text.encode("cp1252"), "obras.csv", "CSV")
    run_jobs()
    records = search(app, officer["headers"], res["id"], limit=1)["result"]["records"]
    assert records[0]["obra"] == "Pavimentación con concreto hidráulico"


def test_the_retry_button_submits_the_file_again(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], DATA.encode(), "presupuesto.csv", "CSV")
    run_jobs()
    tk.get_action("datastore_delete")({"ignore_auth": True}, {"resource_id": res["id"], "force": True})
    login(app, officer["user"])
    assert 'data-load-state="none"' in _status_of(app, pkg, res)
    from tests.helpers import csrf_token

    token = csrf_token(app, f"/dataset/{pkg['name']}/resource/{res['id']}")
    app.post(f"/dataset/{pkg['name']}/resource/{res['id']}/cargar-tabla", data={"_csrf_token": token},
             follow_redirects=False, status=302)
    assert 'data-load-state="waiting"' in _status_of(app, pkg, res)
    run_jobs()
    assert search(app, officer["headers"], res["id"])["result"]["total"] == 2


def test_the_status_is_in_english_on_the_english_page(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    loaded = upload(app, officer, pkg["id"], DATA.encode(), "presupuesto.csv", "CSV")
    empty = upload(app, officer, pkg["id"], b"anio,concepto,monto\n", "vacio.csv", "CSV")
    run_jobs()
    login(app, officer["user"])
    english = app.get(f"/en/dataset/{pkg['name']}/resource/{loaded['id']}").body
    assert "Data table (DataStore):" in english and "Loaded: 2 rows." in english
    assert "Load as a table again" in english
    english = app.get(f"/en/dataset/{pkg['name']}/resource/{empty['id']}").body
    assert "Loading as a table failed: The file has no data rows (only headers, or it is empty)." in english
    assert "Cargado" not in english and "La carga como tabla falló" not in english
    # and Spanish stays the default
    assert "Cargado: 2 filas." in _status_of(app, pkg, loaded)
