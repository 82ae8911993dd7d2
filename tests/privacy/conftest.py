"""Fixtures of the personal-data guard tests.

- ``make_dataset`` creates a valid dataset through the real action.
- ``officer`` is an editor of a dependencia, with an API token.
"""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

from tests.helpers import dataset_maker


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


@pytest.fixture
def make_dataset():
    return dataset_maker(DATASET, "padron", "Padrón")


@pytest.fixture
def officer():
    """An editor of a new dependencia: {"user", "org", "token", "headers"}."""
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])
    return {"user": user, "org": org, "token": token["token"], "headers": {"Authorization": token["token"]}}
