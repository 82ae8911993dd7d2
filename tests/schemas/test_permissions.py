"""Permissions a municipality expects, checked through the API and the web pages."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import csrf_token, login
from .test_dataset_form import stage_one

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _token(user) -> str:
    return factories.APIToken(user=user["name"])["token"]


def test_editor_cannot_create_in_another_dependencia_via_api(app, dependencias, valid_dataset):
    token = _token(dependencias["editor"])
    res = app.post("/api/3/action/package_create", headers={"Authorization": token},
                   json=valid_dataset(name="ajeno", owner_org=dependencias["dif"]["id"]))
    assert res.status_code in (403, 409)
    assert not res.json["success"]
    own = app.post("/api/3/action/package_create", headers={"Authorization": token},
                   json=valid_dataset(name="propio", owner_org=dependencias["tesoreria"]["id"]))
    assert own.status_code == 200, own.json


def test_editor_cannot_create_in_another_dependencia_via_form(app, dependencias):
    login(app, dependencias["editor"])
    page = app.get("/dataset/new").body
    assert dependencias["tesoreria"]["id"] in page
    assert dependencias["dif"]["id"] not in page  # not offered
    res = app.post("/dataset/new", data=dict(stage_one(dependencias["dif"]["id"]),
                                              _csrf_token=csrf_token(app, "/dataset/new")),
                   follow_redirects=False)
    assert res.status_code in (200, 403)
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": "incidentes-atendidos-2024"})


def test_editor_cannot_edit_another_dependencias_dataset(app, dependencias, make_dataset):
    pkg = make_dataset(dependencias["dif"]["id"], name="apoyos-dif")
    token = _token(dependencias["editor"])
    res = app.post("/api/3/action/package_patch", headers={"Authorization": token},
                   json={"id": pkg["id"], "title": "Cambiado"})
    assert res.status_code == 403
    login(app, dependencias["editor"])
    assert app.get("/dataset/edit/apoyos-dif").status_code == 403
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["title"] == pkg["title"]
    # the dependencia's own editor can
    own = app.post("/api/3/action/package_patch", headers={"Authorization": _token(dependencias["editor_dif"])},
                   json={"id": pkg["id"], "title": "Apoyos DIF"})
    assert own.status_code == 200


def test_members_see_their_dependencias_private_datasets(app, dependencias, make_dataset):
    make_dataset(dependencias["tesoreria"]["id"], name="privado-tesoreria", private=True)
    member, outsider = _token(dependencias["member"]), _token(dependencias["editor_dif"])
    assert app.get("/api/3/action/package_show?id=privado-tesoreria",
                   headers={"Authorization": member}).status_code == 200
    found = app.get("/api/3/action/package_search?q=*:*&include_private=true",
                    headers={"Authorization": member}).json["result"]
    assert "privado-tesoreria" in [d["name"] for d in found["results"]]
    assert app.get("/api/3/action/package_show?id=privado-tesoreria",
                   headers={"Authorization": outsider}).status_code == 403
    found = app.get("/api/3/action/package_search?q=*:*&include_private=true",
                    headers={"Authorization": outsider}).json["result"]
    assert "privado-tesoreria" not in [d["name"] for d in found["results"]]


def test_anonymous_users_see_only_public_datasets(app, dependencias, make_dataset):
    make_dataset(dependencias["tesoreria"]["id"], name="publico")
    make_dataset(dependencias["tesoreria"]["id"], name="privado", private=True)
    make_dataset(dependencias["tesoreria"]["id"], name="borrador", state="draft")
    found = app.get("/api/3/action/package_search?q=*:*&include_private=true&include_drafts=true").json["result"]
    assert [d["name"] for d in found["results"]] == ["publico"]
    assert app.get("/api/3/action/package_show?id=privado").status_code == 403
    assert app.get("/api/3/action/package_show?id=borrador").status_code == 403
    assert app.get("/dataset/privado").status_code == 404
    assert app.get("/dataset/borrador").status_code == 404
    page = app.get("/dataset/").body
    assert "/dataset/publico" in page and "/dataset/privado" not in page and "/dataset/borrador" not in page
