"""A dependencia's editors classify their own datasets by tema (CKAN group) without being
members of the tema; nobody else gains anything."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import csrf_token, login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _token(user) -> str:
    return factories.APIToken(user=user["name"])["token"]


def _temas(dataset_id: str) -> list[str]:
    return [g["name"] for g in tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})["groups"]]


def _member(app, user, action: str, **data):
    return app.post(f"/api/3/action/{action}", headers={"Authorization": _token(user)},
                    json={"object_type": "package", "capacity": "public", **data})


@pytest.fixture
def setting(dependencias, make_dataset):
    tema = factories.Group(name="finanzas-publicas", title="Finanzas públicas")
    own = make_dataset(dependencias["tesoreria"]["id"], name="presupuesto-tesoreria")
    other = make_dataset(dependencias["dif"]["id"], name="apoyos-dif")
    return {"tema": tema, "own": own, "other": other, **dependencias}


def test_editor_puts_own_dataset_in_a_tema_and_takes_it_out(app, setting):
    editor, tema, own = setting["editor"], setting["tema"], setting["own"]
    res = _member(app, editor, "member_create", id=tema["name"], object=own["name"])
    assert res.status_code == 200, res.json
    assert _temas(own["id"]) == ["finanzas-publicas"]
    res = _member(app, editor, "member_delete", id=tema["name"], object=own["name"])
    assert res.status_code == 200, res.json
    assert _temas(own["id"]) == []


def test_nobody_else_gains(app, setting):
    tema, own, other = setting["tema"], setting["own"], setting["other"]
    # another dependencia's dataset
    assert _member(app, setting["editor"], "member_create", id=tema["name"], object=other["name"]).status_code == 403
    # a member (read-only) of the dependencia, and an outsider
    for user in (setting["member"], setting["outsider"]):
        assert _member(app, user, "member_create", id=tema["name"], object=own["name"]).status_code == 403
    # an organization is not a tema: moving datasets between dependencias stays closed
    res = _member(app, setting["editor"], "member_create", id=setting["dif"]["name"], object=own["name"])
    assert res.status_code == 403
    assert _temas(own["id"]) == [] and _temas(other["id"]) == []


@pytest.mark.ckan_config("ckanext.sach.temas.editors_assign", "false")
def test_the_option_turns_it_off(app, setting):
    res = _member(app, setting["editor"], "member_create", id=setting["tema"]["name"], object=setting["own"]["name"])
    assert res.status_code == 403


def test_the_temas_tab_offers_every_tema(app, setting):
    factories.Group(name="obra-publica", title="Obra pública")
    login(app, setting["editor"])
    url = "/dataset/groups/presupuesto-tesoreria"
    page = app.get(url).body
    assert f'value="{setting["tema"]["id"]}"' in page and "Obra pública" in page
    res = app.post(url, data={"group_added": setting["tema"]["id"], "_csrf_token": csrf_token(app, url)})
    assert res.status_code == 200
    assert _temas(setting["own"]["id"]) == ["finanzas-publicas"]
    # the dataset of another dependencia: nothing offered to this editor
    other = app.get("/dataset/groups/apoyos-dif")
    assert other.status_code in (200, 403, 404)
    assert f'value="{setting["tema"]["id"]}"' not in other.body
