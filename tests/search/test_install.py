"""The backend replaces Solr only while `sach_pgsearch` is enabled."""
from __future__ import annotations

import pysolr
import pytest

from ckan.lib import search
from ckan.lib.search import common, index, query

from ckanext.sach.search.connection import PgSearchConnection


@pytest.mark.ckan_config("ckan.plugins", "sach_pgsearch")
@pytest.mark.usefixtures("with_plugins")
def test_enabled_every_module_gets_the_postgresql_connection() -> None:
    for module in (common, index, query, search):
        assert isinstance(module.make_connection(), PgSearchConnection)
    assert search.check_solr_schema_version() is True
    assert common.is_available() is True


@pytest.mark.ckan_config("ckan.plugins", "activity")
@pytest.mark.ckan_config("solr_url", "http://127.0.0.1:8983/solr/ckan")
@pytest.mark.usefixtures("with_plugins")
def test_not_enabled_ckan_talks_to_solr_as_usual() -> None:
    for module in (common, index, query, search):
        connection = module.make_connection()
        assert isinstance(connection, pysolr.Solr)
        assert connection.url == "http://127.0.0.1:8983/solr/ckan"
    # No Solr runs here: CKAN's own check reports it unavailable instead of pretending.
    assert common.is_available() is False
    assert search.check_solr_schema_version() is False
