"""The dataset example of the README is accepted as written, over the real API."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[2]


def readme_example() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- example-dataset:begin -->", 1)[1].split("<!-- example-dataset:end -->", 1)[0]
    return json.loads(block.strip().removeprefix("```json").removesuffix("```"))


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_readme_dataset_example_publishes_and_is_found(app):
    example = readme_example()
    officer = factories.User()
    factories.Organization(name=example["owner_org"], title="Tesorería Municipal",
                           users=[{"name": officer["name"], "capacity": "editor"}])
    headers = {"Authorization": factories.APIToken(user=officer["name"])["token"]}

    created = app.post("/api/3/action/package_create", json=example, headers=headers)
    assert created.status_code == 200, created.json
    found = app.get("/api/3/action/package_search", query_string={"q": "presupuestos egresos"}).json["result"]
    assert [d["name"] for d in found["results"]] == [example["name"]]

    broken = dict(example, name="presupuesto-roto", frequency="cada rato", modified="2999-01-01")
    refused = app.post("/api/3/action/package_create", json=broken, headers=headers, status=409)
    errors = refused.json["error"]
    assert "frequency" in errors and "modified" in errors
    assert "posterior a hoy" in " ".join(errors["modified"])  # the Spanish message
    assert app.get("/api/3/action/package_show", query_string={"id": "presupuesto-roto"},
                   headers=headers, status=404)
