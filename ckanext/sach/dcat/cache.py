"""Redis cache of per-dataset serialisations.

One hash per dataset, ``sach:dcat:ds:<id>``, one field per format. Each value
starts with the version it was built for (the dataset's ``metadata_modified``
plus the settings version: catalogue options, profiles, vocabularies,
organizations and groups) and a separator; a read whose version differs is a
miss, so edits are never served stale even before the explicit invalidation
below (dataset change hook, organization update) removes the entry. Writes need
no read first: a batch of fragments is stored in one pipelined round trip.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text as sa_text

from ckan import model
from ckan.lib.redis import connect_to_redis

from ckanext.sach import config as sach_config

log = logging.getLogger(__name__)

PREFIX = "sach:dcat:ds:"
_SEP = "\x1f"


def _key(dataset_id: str) -> str:
    return PREFIX + dataset_id


def enabled() -> bool:
    return sach_config.dcat_cache_ttl() > 0


def get_many(keys: list[tuple[str, str]], field: str) -> list[str | None]:
    """For ``[(id, version)]`` return the cached fragment or None, in order."""
    if not keys or not enabled():
        return [None] * len(keys)
    try:
        redis = connect_to_redis()
        pipe = redis.pipeline(transaction=False)
        for dataset_id, _ in keys:
            pipe.hget(_key(dataset_id), field)
        results = pipe.execute()
    except Exception as e:  # Redis down: serve uncached rather than fail
        log.warning("DCAT cache unavailable: %s", e)
        return [None] * len(keys)
    out: list[str | None] = []
    for (_, version), raw in zip(keys, results):
        if raw is None:
            out.append(None)
            continue
        stored, _, value = raw.decode().partition(_SEP)
        out.append(value if stored == version else None)
    return out


def put_many(entries: list[tuple[str, str, str, str]]) -> None:
    """Store ``[(id, version, field, value)]`` in one round trip."""
    if not entries or not enabled():
        return
    try:
        ttl = sach_config.dcat_cache_ttl()
        pipe = connect_to_redis().pipeline(transaction=False)
        for dataset_id, version, field, value in entries:
            key = _key(dataset_id)
            pipe.hset(key, field, version + _SEP + value)
            pipe.expire(key, ttl)
        pipe.execute()
    except Exception as e:
        log.warning("DCAT cache unavailable: %s", e)


def invalidate_dataset(dataset_id: str | None) -> None:
    if not dataset_id:
        return
    try:
        connect_to_redis().delete(_key(dataset_id))
    except Exception as e:
        log.warning("DCAT cache unavailable: %s", e)


def invalidate_organization(org_id: str | None) -> None:
    """Drop the entries of every dataset of an organization (one query)."""
    from ckanext.sach.dcat import orgs

    orgs.clear()
    if not org_id:
        return
    ids = [row[0] for row in model.Session.execute(
        sa_text('SELECT p.id FROM package p JOIN "group" g ON g.id = p.owner_org '
                "WHERE g.id = :org OR g.name = :org"), {"org": org_id})]
    if not ids:
        return
    try:
        connect_to_redis().delete(*[_key(i) for i in ids])
    except Exception as e:
        log.warning("DCAT cache unavailable: %s", e)


def clear() -> int:
    """Remove every DCAT entry (used by tests and the benchmark's cold runs)."""
    redis = connect_to_redis()
    keys = list(redis.scan_iter(PREFIX + "*", count=1000))
    for start in range(0, len(keys), 1000):
        redis.delete(*keys[start:start + 1000])
    return len(keys)


def on_dataset_change(event: str, context: Any, pkg_dict: dict[str, Any]) -> None:
    """Hook for :func:`ckanext.sach.hooks.after_dataset_change`."""
    invalidate_dataset((pkg_dict or {}).get("id"))
