"""Fixtures of the quality and coverage tests: migrations, a dataset factory, officers."""
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
    "notes": "Conjunto de prueba de calidad.",
    "sector": "gobiernos-locales",
    "frequency": "R/P1Y",
    "modified": "2024-06-30",
    "contact": [{"name": "Tesorería Municipal", "email": "tesoreria@sach.gob.mx"}],
    "spatial_coverage": [{"place": "21119"}],
    "language": ["es"],
    "url": "https://sach.gob.mx/transparencia",
    "data_dictionary_url": "https://sach.gob.mx/datos/diccionario.csv",
    "personal_data": "no",
    "resources": [{"url": "https://sach.gob.mx/datos/a.csv", "name": "Datos", "format": "CSV"}],
}


@pytest.fixture(scope="session")
def reset_db(reset_db, migrate_db_for):
    def reset() -> None:
        reset_db()
        inspector = sa.inspect(model.Session.get_bind())
        columns = {c["name"] for c in inspector.get_columns("activity")}
        if "permission_labels" not in columns:
            migrate_db_for("activity")
        if not inspector.has_table("sach_privacy_scan"):
            migrate_db_for("sach")

    return reset


@pytest.fixture(autouse=True)
def _no_link_scans(ckan_config, monkeypatch):
    """Linked files are not fetched in these tests."""
    monkeypatch.setitem(ckan_config, "ckanext.sach.privacy.scan_links", False)


def _sysadmin_context() -> dict[str, Any]:
    user = model.Session.query(model.User).filter_by(sysadmin=True, state="active").first()
    if user is None:
        user = model.User.get(factories.Sysadmin()["name"])
    return {"user": user.name, "ignore_auth": True}


@pytest.fixture
def make_dataset():
    def make(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(DATASET)
        n = next(_counter)
        data["name"] = overrides.pop("name", f"calidad-{n}")
        data["title"] = overrides.pop("title", f"Calidad {n}")
        data["owner_org"] = org["id"]
        data.update(overrides)
        return tk.get_action("package_create")(_sysadmin_context(), data)

    return make
