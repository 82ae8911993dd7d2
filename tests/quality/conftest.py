"""Fixtures of the quality and coverage tests: a dataset factory."""
from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import dataset_maker

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


@pytest.fixture(autouse=True)
def _no_link_scans(ckan_config, monkeypatch):
    """Linked files are not fetched in these tests."""
    monkeypatch.setitem(ckan_config, "ckanext.sach.privacy.scan_links", False)


@pytest.fixture
def make_dataset():
    return dataset_maker(DATASET, "calidad", "Calidad")
