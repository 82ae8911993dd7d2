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


def replica_urls() -> list[str]:
    """SQLAlchemy URLs of the PostgreSQL streaming replicas that serve search reads (empty: off)."""
    urls = tk.config.get("ckanext.sach.search.replica_urls", None) or []
    if isinstance(urls, str):
        urls = urls.split()
    return [str(url) for url in urls if str(url).strip()]


def replica_max_lag_seconds() -> float:
    """How stale a replica that has not replayed the latest index write may be and still answer."""
    value = tk.config.get("ckanext.sach.search.replica_max_lag_seconds", None)
    return 10.0 if value is None or value == "" else float(value)


def replica_read_your_writes_seconds() -> int:
    """How long a user's searches wait for the replicas to replay that user's last index write."""
    value = tk.config.get("ckanext.sach.search.replica_read_your_writes_seconds", None)
    return 300 if value is None or value == "" else int(value)


def replica_retry_seconds() -> float:
    """How long an unreachable replica is left aside before it is tried again."""
    value = tk.config.get("ckanext.sach.search.replica_retry_seconds", None)
    return 30.0 if value is None or value == "" else float(value)


def facet_sample_size() -> int:
    """Above this many matches, facet counts are estimated from a uniform sample of this many
    matches (0: always counted exactly)."""
    value = tk.config.get("ckanext.sach.search.facet_sample_size", None)
    return 2000 if value is None or value == "" else max(0, int(value))
