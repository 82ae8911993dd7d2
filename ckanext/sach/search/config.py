"""Typed getters of the `sach_pgsearch` options (declared in search/config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def text_config() -> str:
    """PostgreSQL text search configuration used for stemmed, accent-folded matching."""
    # An explicit default: the declaration is absent while plugins are unloaded (tests).
    return tk.config.get("ckanext.sach.search.text_config", None) or "spanish"


def cache_seconds() -> int:
    """How long identical search results stay cached (0: no cache)."""
    return tk.config.get("ckanext.sach.search.cache_seconds", None) or 0
