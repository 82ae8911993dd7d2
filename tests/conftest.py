"""Fixtures shared by every test package.

CKAN's `clean_db` drops every table of the database the first time it runs in a session and later
only empties CKAN's own tables. The `sach_pgsearch` search table (created by the plugin's alembic
migration) must follow: recreated when dropped, emptied with the rest.
"""
from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # CKAN's pytest plugin reads these marks but does not register them (--strict-markers).
    config.addinivalue_line("markers", "ckan_config(key, value): override a CKAN config option")
    config.addinivalue_line("markers", "provide_plugin(name, cls): register a test plugin")


@pytest.fixture(scope="session")
def reset_db(reset_db):
    from ckanext.sach.search import schema

    def reset() -> None:
        reset_db()
        schema.ensure()
        schema.clear()

    return reset


@pytest.fixture(scope="session", autouse=True)
def _sach_search_table():
    """The search table exists even for tests that index without `clean_db`."""
    from ckanext.sach.search import schema

    schema.ensure()
