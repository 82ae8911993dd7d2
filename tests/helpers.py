"""Helpers shared by the test packages (plain functions; fixtures live in conftest.py files)."""
from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

_counter = itertools.count()

# A complete, valid municipal dataset (tests copy it and override fields).
VALID_DATASET: dict[str, Any] = {
    "title": "Presupuesto de egresos 2024",
    "notes": "Presupuesto de egresos aprobado del municipio, por capítulo de gasto.",
    "tag_string": "presupuesto,egresos",
    "sector": "finanzas-y-contrataciones",
    "frequency": "R/P1Y",
    "issued": "2024-01-15",
    "modified": "2024-06-30",
    "contact": [{"name": "Tesorería Municipal", "email": "tesoreria@sach.gob.mx"}],
    "spatial_coverage": [{"place": "21119"}],
    "temporal_coverage": [{"start": "2024-01-01", "end": "2024-12-31"}],
    "language": ["es"],
    "transparency_obligations": ["lgtaip-2015:70-XXI", "lgtaip-2015:71-I-b"],
    "url": "https://sach.gob.mx/transparencia",
    "data_dictionary_url": "https://sach.gob.mx/datos/diccionario-presupuesto.csv",
    "personal_data": "no",
    "resources": [
        {"url": "https://sach.gob.mx/datos/presupuesto-2024.csv", "name": "Presupuesto 2024", "format": "CSV"}
    ],
}



def sysadmin_context() -> dict[str, Any]:
    """An action context of a sysadmin (the oldest active one that is not the site user, created
    when there is none). Not the site user: CKAN hides its activities (`ckan.hide_activity_from_users`)."""
    site_user = tk.config.get("ckan.site_id")
    user = (model.Session.query(model.User).filter_by(sysadmin=True, state="active")
            .filter(model.User.name != site_user).order_by(model.User.created).first())
    if user is None:
        user = model.User.get(factories.Sysadmin()["name"])
    return {"user": user.name, "ignore_auth": True}


def dataset_maker(base: dict[str, Any], name_prefix: str, title_prefix: str) -> Callable[..., dict[str, Any]]:
    """A function that creates a valid dataset of ``org`` from ``base`` through the real action."""

    def make(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(base)
        n = next(_counter)
        data["name"] = overrides.pop("name", f"{name_prefix}-{n}")
        data["title"] = overrides.pop("title", f"{title_prefix} {n}")
        data["owner_org"] = org["id"]
        data.update(overrides)
        return tk.get_action("package_create")(sysadmin_context(), data)

    return make


PASSWORD = "Contrasena-Segura-2025"
_CSRF_RE = re.compile(r'name="_csrf_token"\s+value="([^"]+)"')


def csrf_token(app: Any, url: str) -> str:
    """The CSRF token of the form served at ``url`` (same client session)."""
    res = app.get(url)
    assert res.status_code == 200, (url, res.status_code)
    match = _CSRF_RE.search(res.body)
    assert match, f"no CSRF token in {url}"
    return match.group(1)


def login(app: Any, user: dict[str, Any]) -> None:
    """Sign in through the login form, like a person (session cookie); users made with PASSWORD."""
    token = csrf_token(app, "/user/login")
    res = app.post(
        "/user/login",
        data={"login": user["name"], "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert res.status_code in (302, 303), res.body[:500]
