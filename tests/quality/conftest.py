"""Fixtures of the quality and coverage tests: a dataset factory."""
from __future__ import annotations

import functools

import pytest

from tests.factories import dataset_of


@pytest.fixture(autouse=True)
def _no_link_scans(ckan_config, monkeypatch):
    """Linked files are not fetched in these tests."""
    monkeypatch.setitem(ckan_config, "ckanext.sach.privacy.scan_links", False)


@pytest.fixture
def make_dataset():
    """``make_dataset(org, **fields)``: a valid dataset that serves no transparency obligation
    (the coverage tests give each one its own)."""
    return functools.partial(dataset_of, transparency_obligations=None)
