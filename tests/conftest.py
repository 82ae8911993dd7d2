"""Fixtures shared by every test package.

CKAN's `clean_db` drops every table of the database the first time it runs in a session (later it
only empties CKAN's own tables) and then recreates CKAN core's tables only. Tables of plugins
(activity's columns, `sach`'s tables, the `sach_pgsearch` search table) come from their alembic
migrations: apply them after a drop, and keep the search index emptied with the rest.

Tests marked ``unit`` need no service: neither PostgreSQL nor Redis nor CKAN's app. ``pytest -m
unit`` (``make test-unit``) runs only those, without CKAN's pytest plugin (its session start builds
the app, which connects to PostgreSQL), and the fixtures below that need the database skip them.
"""
from __future__ import annotations

import pytest
from pytest_factoryboy import register

from tests import factories

# `browser` (one Chromium per run), `page` (a fresh one per test) for the browser tests.
pytest_plugins = ["tests.browser"]

PLUGIN_MIGRATIONS = ("activity", "sach")


# Fixtures `sach_dataset`, `sach_resource`, `sach_dependencia`, `sach_user` (and their
# `sach_dataset__<field>` attribute fixtures); CKAN's plugin owns `dataset`, `user`, `organization`.
register(factories.SachDatasetFactory, "sach_dataset")
register(factories.SachResourceFactory, "sach_resource")
register(factories.SachDependenciaFactory, "sach_dependencia")
register(factories.SachUserFactory, "sach_user")


def pytest_configure(config: pytest.Config) -> None:
    # CKAN's pytest plugin reads these marks but does not register them (--strict-markers).
    config.addinivalue_line("markers", "ckan_config(key, value): override a CKAN config option")
    config.addinivalue_line("markers", "provide_plugin(name, cls): register a test plugin")
    if unit_only(config):
        config.pluginmanager.unregister(name="ckan")


def unit_only(config: pytest.Config) -> bool:
    """The run selects only ``unit`` tests (``pytest -m unit``)."""
    return (config.getoption("markexpr", "") or "").strip() == "unit"


def is_unit(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("unit") is not None


def _migrate(plugin: str) -> None:
    """`ckan db upgrade -p PLUGIN`, also while plugins are unloaded (between tests CKAN's
    `migrate_db_for` cannot find them)."""
    import inspect
    import os
    from importlib.metadata import entry_points

    from ckan import model

    entry = next(e for e in entry_points(group="ckan.plugins") if e.name == plugin)
    plugin_dir = os.path.dirname(inspect.getsourcefile(entry.load()) or "")
    package_end = plugin_dir.find("/", plugin_dir.rfind("/ckanext/") + len("/ckanext/"))
    if package_end != -1:
        plugin_dir = plugin_dir[:package_end]
    original = model.repo._alembic_ini
    model.repo._alembic_ini = os.path.join(plugin_dir, "migration", plugin, "alembic.ini")
    try:
        model.repo.upgrade_db("head")
    finally:
        model.repo._alembic_ini = original


@pytest.fixture(scope="session")
def reset_db(reset_db):
    from ckan import model

    from ckanext.sach.search import schema

    def reset() -> None:
        dropped = not model.repo.tables_created_and_initialised
        reset_db()
        if dropped:
            for plugin in PLUGIN_MIGRATIONS:
                _migrate(plugin)
        schema.ensure(always_upgrade=dropped)
        schema.clear()

    return reset


@pytest.fixture(scope="session")
def _sach_search_table_once() -> None:
    from ckanext.sach.search import schema

    schema.ensure()


@pytest.fixture(autouse=True)
def _sach_search_table(request: pytest.FixtureRequest) -> None:
    """The search table exists (at its latest revision) even for tests without `clean_db`;
    ``unit`` tests need no database."""
    if not is_unit(request):
        request.getfixturevalue("_sach_search_table_once")
