"""The dependencia (organization) schema, through the API and the form."""
from __future__ import annotations

import html

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import PASSWORD, csrf_token, login, sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

GOOD = {
    "name": "tesoreria-municipal",
    "title": "Tesorería Municipal",
    "acronym": "TM",
    "org_type": "dependencia",
    "head_name": "Titular de ejemplo",
    "head_position": "Tesorero Municipal",
    "email": "tesoreria@sach.gob.mx",
    "phone": "222 123 4567",
    "address": "Palacio Municipal, San Andrés Cholula, Puebla",
    "website": "https://sach.gob.mx/tesoreria",
    "description": "Recauda y administra la hacienda municipal.",
}


def test_create_dependencia_with_every_field():
    org = tk.get_action("organization_create")(sysadmin_context(), dict(GOOD))
    shown = tk.get_action("organization_show")({"ignore_auth": True}, {"id": org["id"]})
    for key, value in GOOD.items():
        assert shown[key] == value, key


def test_type_defaults_to_dependencia_and_accepts_junta_auxiliar():
    org = tk.get_action("organization_create")(sysadmin_context(), {"name": "dif", "title": "DIF"})
    assert org["org_type"] == "dependencia"
    junta = tk.get_action("organization_create")(sysadmin_context(), {
        "name": "junta-comac", "title": "Junta Auxiliar de San Rafael Comac", "org_type": "junta_auxiliar"})
    assert junta["org_type"] == "junta_auxiliar"


BAD_ORGS = [
    ("required", {"title": ""}, "title", "Este campo es obligatorio"),
    ("email", {"email": "tesoreria(at)sach"}, "email", "Correo electrónico no válido"),
    ("phone", {"phone": "llamar al conmutador"}, "phone", "Teléfono no válido"),
    ("http-url", {"website": "javascript:alert(1)"}, "website", "http:// o https://"),
    ("vocab", {"org_type": "secretaria"}, "org_type", "no es un valor permitido"),
    ("slug", {"name": "Tesorería"}, "name", "minúsculas sin acentos"),
    ("image-url", {"image_url": "javascript:alert(1)"}, "image_url", "http:// o https://"),
]


@pytest.mark.parametrize(("overrides", "key", "message"), [c[1:] for c in BAD_ORGS], ids=[c[0] for c in BAD_ORGS])
def test_bad_dependencia_is_refused_in_spanish(overrides, key, message):
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("organization_create")(sysadmin_context(), dict(GOOD, **overrides))
    assert message in " ".join(err.value.error_dict[key])


def test_dependencia_form_in_spanish(app):
    admin = factories.Sysadmin(password=PASSWORD)
    login(app, admin)
    body = html.unescape(app.get("/organization/new").body)
    for label in ("Siglas", "Nombre del titular", "Cargo del titular", "Correo electrónico de contacto",
                  "Teléfono", "Domicilio", "Sitio web", "Junta auxiliar"):
        assert label in body, label
    form = dict(GOOD, email="sin-arroba", save="", _csrf_token=csrf_token(app, "/organization/new"))
    res = app.post("/organization/new", data=form, follow_redirects=False)
    assert res.status_code == 200
    assert "Correo electrónico no válido" in html.unescape(res.body)
    form = dict(GOOD, save="", _csrf_token=csrf_token(app, "/organization/new"))
    res = app.post("/organization/new", data=form, follow_redirects=False)
    assert res.status_code == 302, html.unescape(res.body)[:1500]
    shown = tk.get_action("organization_show")({"ignore_auth": True}, {"id": "tesoreria-municipal"})
    assert shown["head_position"] == "Tesorero Municipal"
    page = app.get("/organization/about/tesoreria-municipal")
    assert page.status_code == 200
