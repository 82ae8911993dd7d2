"""Fixtures of the bulk-publishing tests.

- ``officer``: an editor of «Tesorería Municipal» (and nothing else), a password login.
- ``other_org``: «Sistema Municipal DIF» with one dataset of its own.
- ``row`` / ``resource_row``: canonical cells of a valid dataset / resource row.
- ``xlsx(rows, user)`` / ``csv_bytes(rows, user)``: a file made with the template writer.
- ``run(data, user, org, dry_run)``: the loader on bytes.
"""
from __future__ import annotations

import io
from typing import Any

import pytest

from ckan.tests import factories

from tests.factories import dataset_of
from tests.helpers import PASSWORD

ORG = "tesoreria-municipal"
OTHER_ORG = "sistema-municipal-dif"


@pytest.fixture
def officer() -> dict[str, Any]:
    user = factories.User(password=PASSWORD, fullname="Oficial de datos de Tesorería")
    org = factories.Organization(name=ORG, title="Tesorería Municipal",
                                 users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user, "org": org, "name": user["name"]}


@pytest.fixture
def other_org() -> dict[str, Any]:
    org = factories.Organization(name=OTHER_ORG, title="Sistema Municipal DIF")
    dataset = dataset_of(org, name="padron-dif", title="Padrón DIF")
    return {"org": org, "dataset": dataset}


def row(name: str, **cells: str) -> dict[str, str]:
    base = {
        "_row": "conjunto", "title": f"Conjunto {name}", "name": name,
        "notes": "Datos abiertos del municipio, por mes.", "owner_org": ORG, "private": "False",
        "tag_string": "finanzas, egresos", "sector": "finanzas-y-contrataciones", "frequency": "R/P1M",
        "modified": "2024-06-30", "contact.name": "Tesorería Municipal", "contact.email": "tesoreria@sach.gob.mx",
        "spatial_coverage.place": "21119", "language": "es", "url": "https://sach.gob.mx/transparencia",
        "data_dictionary_url": "https://sach.gob.mx/datos/diccionario.csv", "personal_data": "no",
    }
    base.update(cells)
    return base


def resource_row(name: str, n: int = 1, **cells: str) -> dict[str, str]:
    base = {"_row": "recurso", "name": name, "resource.url": f"https://sach.gob.mx/datos/{name}-{n}.csv",
            "resource.name": f"Datos {n}", "resource.format": "CSV"}
    base.update(cells)
    return base


def columns(user: str):
    from ckanext.sach.bulk.load import columns_for

    return columns_for(user)


def xlsx(rows: list[dict[str, str]], user: str) -> bytes:
    from ckanext.sach.bulk import template

    return template.render(columns(user), "xlsx", rows)


def csv_bytes(rows: list[dict[str, str]], user: str) -> bytes:
    from ckanext.sach.bulk import template

    return template.render(columns(user), "csv", rows)


def run(data: bytes, user: str, org: str | None = ORG, dry_run: bool = False):
    from ckanext.sach.bulk.load import Loader

    return Loader(user, org).run(io.BytesIO(data), dry_run=dry_run)


def texts(report) -> list[str]:
    return [e["text"] for e in report.errors]
