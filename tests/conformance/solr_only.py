"""pytest plugin for `make conformance`: CKAN tests that only make sense with a Solr server.

Each entry is skipped with its reason (shown by `-rs`), so the list stays explicit and every other
CKAN test must pass. Keys are node ids relative to the installed `ckan/tests/` directory.
"""
from __future__ import annotations

import pytest

SOLR_ONLY: dict[str, str] = {
}


def _key(nodeid: str) -> str:
    marker = "ckan/tests/"
    return nodeid[nodeid.index(marker) + len(marker):] if marker in nodeid else nodeid


def pytest_collection_modifyitems(config, items):
    seen = set()
    for item in items:
        key = _key(item.nodeid)
        reason = SOLR_ONLY.get(key) or SOLR_ONLY.get(key.split("[")[0])
        if reason:
            seen.add(key)
            item.add_marker(pytest.mark.skip(reason=f"Solr only: {reason}"))


# CKAN's `clean_db` drops every table but re-creates only core's: reuse the project's fixtures that
# re-create the search table after a reset (tests/conftest.py).
from tests.conftest import _sach_search_table, reset_db  # noqa: E402,F401
