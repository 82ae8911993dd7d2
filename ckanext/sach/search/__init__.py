"""PostgreSQL search backend for CKAN (plugin `sach_pgsearch`).

`install()` replaces `make_connection` (and the Solr-only start-up checks) in the modules of
`ckan.lib.search` that imported it by name, with dispatchers that look, at every call, whether the
`sach_pgsearch` plugin is enabled: if it is, CKAN gets a `PgSearchConnection`; if not (production
with Solr, or tests that enable another set of plugins) the original Solr functions run unchanged.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins as p

PLUGIN_NAME = "sach_pgsearch"

_originals: dict[str, Callable[..., Any]] = {}


def is_active() -> bool:
    """Loaded, or enabled in `ckan.plugins` (CKAN's test runner unloads plugins between tests,
    and fixtures such as `clean_index` may run before `with_plugins` loads them again)."""
    if p.plugin_loaded(PLUGIN_NAME):
        return True
    from ckan.common import config

    enabled = config.get("ckan.plugins", None) or []
    if isinstance(enabled, str):
        enabled = enabled.split()
    return PLUGIN_NAME in enabled


def make_connection(decode_dates: bool = True) -> Any:
    if is_active():
        from ckanext.sach.search.connection import PgSearchConnection

        return PgSearchConnection(decode_dates=decode_dates)
    return _originals["make_connection"](decode_dates)


def check_solr_schema_version(schema_file: str | None = None) -> bool:
    if is_active():
        return True
    return _originals["check_solr_schema_version"](schema_file)


def install() -> None:
    """Route ckan.lib.search to PostgreSQL while the plugin is loaded. Idempotent."""
    if _originals:
        return
    from ckan.lib import search

    from ckanext.sach.search import cache, connection

    cache.listen()
    connection.listen()
    from ckan.lib.search import common, index, query

    _originals["make_connection"] = common.make_connection
    _originals["check_solr_schema_version"] = search.check_solr_schema_version
    for module in (common, index, query, search):
        if hasattr(module, "make_connection"):
            module.make_connection = make_connection  # type: ignore[attr-defined]
    search.check_solr_schema_version = check_solr_schema_version


def uninstall() -> None:
    """Restore CKAN's Solr functions (used by tests of the Solr path)."""
    if not _originals:
        return
    from ckan.lib import search
    from ckan.lib.search import common, index, query

    for module in (common, index, query, search):
        if hasattr(module, "make_connection"):
            module.make_connection = _originals["make_connection"]  # type: ignore[attr-defined]
    search.check_solr_schema_version = _originals[
        "check_solr_schema_version"
    ]
    _originals.clear()
