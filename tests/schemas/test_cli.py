"""`ckan sach seed` and `ckan sach demo`: idempotent (run twice, same counts)."""
from __future__ import annotations

import csv
import io
import json

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.cli.cli import ckan

from ckanext.sach import vocab

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _counts() -> dict[str, int]:
    q = model.Session.query(model.Group).filter(model.Group.state == "active")
    packages = model.Session.query(model.Package).filter(model.Package.type == "dataset")
    return {
        "organizations": q.filter(model.Group.is_organization.is_(True)).count(),
        "groups": q.filter(model.Group.is_organization.is_(False)).count(),
        "datasets": packages.count(),
        "resources": model.Session.query(model.Resource).filter(model.Resource.state == "active").count(),
    }


def test_seed_creates_dependencias_and_temas_once(cli):
    result = cli.invoke(ckan, ["sach", "seed"])
    assert result.exit_code == 0, result.output
    first = _counts()
    assert first["organizations"] == len(vocab.items("dependencias"))
    assert first["groups"] == len(vocab.items("themes"))
    org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": "sistema-municipal-dif"})
    assert org["title"] == "Sistema Municipal DIF" and org["org_type"] == "organismo"
    junta = tk.get_action("organization_show")({"ignore_auth": True}, {"id": "junta-auxiliar-san-rafael-comac"})
    assert junta["org_type"] == "junta_auxiliar"

    result = cli.invoke(ckan, ["sach", "seed"])
    assert result.exit_code == 0, result.output
    assert "0 created" in result.output
    assert _counts() == first


def test_seed_uses_the_configured_list(cli, tmp_path, ckan_config, monkeypatch):
    path = tmp_path / "dependencias.yaml"
    path.write_text("- value: secretaria-de-obras-publicas\n  org_type: dependencia\n"
                    "  label: {es: Secretaría de Obras Públicas, en: Public Works}\n", encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.sach.seed.dependencias_file", str(path))
    result = cli.invoke(ckan, ["sach", "seed"])
    assert result.exit_code == 0, result.output
    names = tk.get_action("organization_list")({"ignore_auth": True}, {})
    assert names == ["secretaria-de-obras-publicas"]


def test_demo_loads_an_example_catalogue_idempotently(cli, app):
    result = cli.invoke(ckan, ["sach", "demo"])
    assert result.exit_code == 0, result.output
    first = _counts()

    public = tk.get_action("package_search")({"ignore_auth": True}, {"rows": 1000})
    assert public["count"] >= 40
    owners = {d["organization"]["name"] for d in public["results"]}
    assert len(owners) >= 9  # spread over the dependencias
    for pkg in public["results"]:
        assert "Datos de ejemplo" in pkg["notes"]
        roles = [r["resource_role"] for r in pkg["resources"]]
        assert "data_dictionary" in roles and "data" in roles
        assert all(r["url_type"] == "upload" for r in pkg["resources"])
    formats = {r["format"] for p in public["results"] for r in p["resources"]}
    assert {"CSV", "JSON", "GeoJSON"} <= formats

    # the uploaded files are real and well formed
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "incidentes-proteccion-civil-2024"})
    by_format = {r["format"]: r for r in pkg["resources"] if r["resource_role"] == "data"}
    geo = app.get(f"/dataset/{pkg['id']}/resource/{by_format['GeoJSON']['id']}/download")
    assert geo.status_code == 200
    collection = json.loads(geo.body)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    dictionary = next(r for r in pkg["resources"] if r["resource_role"] == "data_dictionary")
    rows = list(csv.DictReader(io.StringIO(app.get(
        f"/dataset/{pkg['id']}/resource/{dictionary['id']}/download").body)))
    assert {"campo", "tipo", "descripcion"} == set(rows[0])

    everything = tk.get_action("package_search")({"ignore_auth": True}, {
        "rows": 1000, "include_private": True, "include_drafts": True, "fq": "+state:(active OR draft)"})
    states = [(d["private"], d["state"]) for d in everything["results"]]
    assert (True, "active") in states  # private ones for leak tests
    assert model.Session.query(model.Package).filter_by(state="draft").count() >= 1

    result = cli.invoke(ckan, ["sach", "demo"])
    assert result.exit_code == 0, result.output
    assert "0 created" in result.output
    assert _counts() == first
