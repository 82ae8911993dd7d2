"""pytest plugin for `make conformance`: CKAN's own tests run with `sach_pgsearch`.

CKAN's `clean_db` drops every table of the database the first time it runs in a session and then
re-creates only core's. The search table lives in the same database (plugin migrations), so after
a drop it is brought back here, and emptied with the rest at every reset. CKAN's files are not
touched: `reset_db` is overridden (the overriding fixture receives CKAN's).

pytest gives a fixture name to the plugin registered last, and `-p` plugins are registered before
CKAN's entry-point plugins: the fixtures live in a class registered at `pytest_configure`, after
CKAN's.
"""
from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SachSearchFixtures(), "sach_conformance_fixtures")


class SachSearchFixtures:
    @pytest.fixture
    def ckan_config(self, ckan_config):
        """Tests that set `ckan.plugins` (`ckan_config` marks) keep `sach_pgsearch` as well, so
        every test runs on the PostgreSQL backend, never on the (absent) Solr server."""
        plugins = ckan_config.get("ckan.plugins") or []
        if isinstance(plugins, str):
            plugins = plugins.split()
        if "sach_pgsearch" not in plugins:
            ckan_config["ckan.plugins"] = [*plugins, "sach_pgsearch"]
        return ckan_config

    @pytest.fixture(scope="session")
    def reset_db(self, reset_db):
        from ckan import model

        from ckanext.sach.search import schema

        def reset() -> None:
            dropped = not model.repo.tables_created_and_initialised
            reset_db()
            schema.ensure(always_upgrade=dropped)
            schema.clear()

        return reset

    @pytest.fixture(scope="session", autouse=True)
    def _sach_search_table(self):
        """The search table exists, at its latest revision, also for tests without `clean_db`."""
        from ckanext.sach.search import schema

        schema.ensure()
