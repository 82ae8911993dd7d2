"""Tabular files loaded into the DataStore by ckanext-xloader in a real jobs worker, with the
Guía's data dictionary applied, and the Spanish load status officers see."""
from __future__ import annotations

import io
import random

import openpyxl
import pytest

import ckan.plugins.toolkit as tk

from tests.helpers import VALID_DATASET, dataset_maker, login
from tests.privacy import synthetic as s

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

DICTIONARY = ("Campo,Tipo,Descripción\n"
              "anio,entero,Año del ejercicio fiscal\n"
              "CONCEPTO,texto,Concepto del gasto según el clasificador por objeto del gasto\n"
              "monto,número,Monto aprobado en pesos mexicanos\n").encode("utf-8")
DATA = "anio,concepto,monto,observaciones\n2024,Pavimentación,1234567.50,ninguna\n2024,Alumbrado,98765.10,\n"


def make_dataset(org, **overrides):
    return dataset_maker(VALID_DATASET, "ds", "Tabla")(org, resources=[], **overrides)


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
    result = search(app, officer["headers"], res["id"], filters={"concepto": "Alumbrado"})["result"]
    assert result["total"] == 1 and result["records"][0]["monto"] in ("98765.10", 98765.1)
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
    assert tk.h.sach_datastore_undocumented(
        tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]}))[0]["columns"] == ["observaciones"]
