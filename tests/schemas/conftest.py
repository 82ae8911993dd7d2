"""Fixtures of the schema tests: a valid dataset payload and a dependencia."""
from __future__ import annotations

import copy
import re
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

VALID: dict[str, Any] = {
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


@pytest.fixture
def valid_dataset():
    """A factory of complete, valid dataset dicts (deep copies, with overrides)."""

    def make(**overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(VALID)
        data.update(overrides)
        return data

    return make


@pytest.fixture(scope="session")
def reset_db(reset_db, migrate_db_for):
    """After a reset, apply the plugins' own migrations (CKAN's reset only runs core's)."""
    import sqlalchemy as sa
    from ckan import model

    def reset() -> None:
        reset_db()
        inspector = sa.inspect(model.Session.get_bind())
        columns = {c["name"] for c in inspector.get_columns("activity")}
        if "permission_labels" not in columns:
            migrate_db_for("activity")
        if not inspector.has_table("sach_request"):
            migrate_db_for("sach")

    return reset


PASSWORD = "Contrasena-Segura-2025"
_CSRF_RE = re.compile(r'name="_csrf_token"\s+value="([^"]+)"')


def csrf_token(app, url: str) -> str:
    """The CSRF token of the form served at ``url`` (same client session)."""
    res = app.get(url)
    assert res.status_code == 200, (url, res.status_code)
    match = _CSRF_RE.search(res.body)
    assert match, f"no CSRF token in {url}"
    return match.group(1)


def login(app, user: dict[str, Any]) -> None:
    """Sign in through the login form, like a person (session cookie)."""
    token = csrf_token(app, "/user/login")
    res = app.post(
        "/user/login",
        data={"login": user["name"], "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert res.status_code in (302, 303), res.body[:500]


def sysadmin_context() -> dict[str, Any]:
    user = factories.Sysadmin()
    return {"user": user["name"], "ignore_auth": False}


@pytest.fixture
def dependencias():
    """Two dependencias with an editor each, a member of the first one, and an outsider."""
    tesoreria = factories.Organization(name="tesoreria-municipal", title="Tesorería Municipal")
    dif = factories.Organization(name="sistema-municipal-dif", title="Sistema Municipal DIF")
    users = {
        "editor": factories.User(password=PASSWORD),
        "editor_dif": factories.User(password=PASSWORD),
        "member": factories.User(password=PASSWORD),
        "outsider": factories.User(password=PASSWORD),
    }
    for org, user, role in ((tesoreria, "editor", "editor"), (dif, "editor_dif", "editor"),
                            (tesoreria, "member", "member")):
        tk.get_action("organization_member_create")(
            {"ignore_auth": True}, {"id": org["id"], "username": users[user]["name"], "role": role}
        )
    return {"tesoreria": tesoreria, "dif": dif, **users}


@pytest.fixture
def make_dataset(valid_dataset):
    """Create a valid dataset through package_create as the given user (default sysadmin)."""

    def make(owner_org: str, user: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        context = {"user": user["name"]} if user else sysadmin_context()
        return tk.get_action("package_create")(context, valid_dataset(owner_org=owner_org, **overrides))

    return make
