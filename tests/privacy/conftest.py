"""Fixtures of the personal-data guard tests.

- ``reset_db`` (used by CKAN's ``clean_db``) also applies the migrations of the
  ``activity`` and ``sach`` plugins (tables of revision ``sach_0002_privacy``).
- ``make_dataset`` creates a valid dataset through the real action.
- ``officer`` is an editor of a dependencia, with an API token.
"""
from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

_counter = itertools.count()

DATASET: dict[str, Any] = {
    "notes": "Padrón de beneficiarios del programa municipal.",
    "sector": "gobiernos-locales",
    "frequency": "R/P1Y",
    "modified": "2024-06-30",
    "contact": [{"name": "Sistema Municipal DIF", "email": "dif@sach.gob.mx"}],
    "spatial_coverage": [{"place": "21119"}],
    "language": ["es"],
    "url": "https://sach.gob.mx/transparencia",
    "data_dictionary_url": "https://sach.gob.mx/datos/diccionario.csv",
    "personal_data": "no",
    "resources": [],
}


def ensure_tables(migrate_db_for: Any) -> None:
    inspector = sa.inspect(model.Session.get_bind())
    columns = {c["name"] for c in inspector.get_columns("activity")}
    if "permission_labels" not in columns:
        migrate_db_for("activity")
    if not inspector.has_table("sach_privacy_scan"):
        migrate_db_for("sach")


@pytest.fixture(scope="session")
def reset_db(reset_db, migrate_db_for):
    def reset() -> None:
        reset_db()
        ensure_tables(migrate_db_for)

    return reset


def sysadmin_context() -> dict[str, Any]:
    user = model.Session.query(model.User).filter_by(sysadmin=True, state="active").first()
    if user is None:
        user = model.User.get(factories.Sysadmin()["name"])
    return {"user": user.name, "ignore_auth": True}


@pytest.fixture
def make_dataset():
    def make(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(DATASET)
        n = next(_counter)
        data["name"] = overrides.pop("name", f"padron-{n}")
        data["title"] = overrides.pop("title", f"Padrón {n}")
        data["owner_org"] = org["id"]
        data.update(overrides)
        return tk.get_action("package_create")(sysadmin_context(), data)

    return make


@pytest.fixture
def officer():
    """An editor of a new dependencia: {"user", "org", "token", "headers"}."""
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])
    return {"user": user, "org": org, "token": token["token"], "headers": {"Authorization": token["token"]}}
