"""Fixtures shared by every test package.

CKAN's `clean_db` drops every table of the database the first time it runs in a session (later it
only empties CKAN's own tables) and then recreates CKAN core's tables only. Tables of plugins
(activity's columns, `sach`'s tables, the `sach_pgsearch` search table) come from their alembic
migrations: apply them after a drop, and keep the search index emptied with the rest.
"""
from __future__ import annotations

import pytest

PLUGIN_MIGRATIONS = ("activity", "sach")


def pytest_configure(config: pytest.Config) -> None:
    # CKAN's pytest plugin reads these marks but does not register them (--strict-markers).
    config.addinivalue_line("markers", "ckan_config(key, value): override a CKAN config option")
    config.addinivalue_line("markers", "provide_plugin(name, cls): register a test plugin")


@pytest.fixture(scope="session")
def reset_db(reset_db, migrate_db_for):
    from ckan import model

    from ckanext.sach.search import schema

    def reset() -> None:
        dropped = not model.repo.tables_created_and_initialised
        reset_db()
        if dropped:
            for plugin in PLUGIN_MIGRATIONS:
                migrate_db_for(plugin)
        schema.ensure(always_upgrade=dropped)
        schema.clear()

    return reset


@pytest.fixture(scope="session", autouse=True)
def _sach_search_table():
    """The search table exists (at its latest revision) even for tests without `clean_db`."""
    from ckanext.sach.search import schema

    schema.ensure()
