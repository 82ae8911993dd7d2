"""/data.json: the catalogue in the DCAT-US 1.1 (Project Open Data) shape of datos.gob.mx's catalogo.json."""
from __future__ import annotations

import json
import os
from typing import Any

import jsonschema
import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")

SCHEMA = os.path.join(os.path.dirname(__file__), "schemas", "pod-1.1-catalog.schema.json")


def _validator() -> jsonschema.Draft7Validator:
    with open(SCHEMA, encoding="utf-8") as f:
        return jsonschema.Draft7Validator(json.load(f))


def test_data_json_validates_and_lists_public_datasets(app: Any, catalogue: dict[str, Any]) -> None:
    response = app.get("/data.json")
    assert response.headers["Content-Type"].startswith("application/json")
    data = json.loads(response.body)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    titles = {d["title"] for d in data["dataset"]}
    assert titles == {d["title"] for d in catalogue["public"]}

    budget = next(d for d in data["dataset"] if d["identifier"] == "sach-presupuesto-2024")
    assert budget["accrualPeriodicity"] == "R/P1Y"
    assert budget["publisher"]["name"] == "Tesorería Municipal"
    assert budget["publisher"]["subOrganizationOf"]["name"] == "Ayuntamiento de San Andrés Cholula"
    assert budget["contactPoint"] == {"@type": "vcard:Contact", "fn": "Tesorería Municipal",
                                      "hasEmail": "mailto:tesoreria@sach.gob.mx"}
    assert budget["temporal"] == "2024-01-01/2024-12-31"
    assert budget["license"] == "https://datos.gob.mx/libreusomx/"
    assert budget["describedBy"] == "https://sach.gob.mx/datos/diccionario-presupuesto.csv"
    assert sorted(budget["language"]) == ["es", "nah"]
    csv = next(d for d in budget["distribution"] if d.get("title") == "Presupuesto 2024")
    assert csv["mediaType"] == "text/csv" and csv["downloadURL"].endswith("presupuesto-2024.csv")

    irregular = next(d for d in data["dataset"] if d["title"] == "Atlas de riesgos")
    assert irregular["accrualPeriodicity"] == "irregular"


def test_schema_rejects_a_broken_entry(app: Any, catalogue: dict[str, Any]) -> None:
    """The schema check can fail: a dataset without contact e-mail or keywords is rejected."""
    data = json.loads(app.get("/data.json").body)
    data["dataset"][0]["contactPoint"]["hasEmail"] = "tesoreria"
    data["dataset"][0]["keyword"] = []
    assert len(list(_validator().iter_errors(data))) == 2
