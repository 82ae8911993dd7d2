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

import time
from typing import Any, cast

from sqlalchemy import text as sa_text

from ckan import model

from ckanext.sach import config as sach_config
from ckanext.sach.cache import client as connect_to_redis
from ckanext.sach.cache import guarded

PREFIX = "sach:dcat:ds:"
_SEP = "\x1f"
_UNAVAILABLE = "DCAT cache"


def _key(dataset_id: str) -> str:
    return PREFIX + dataset_id


def enabled() -> bool:
    return sach_config.dcat_cache_ttl() > 0


def get_many(keys: list[tuple[str, str]], field: str) -> list[str | None]:
    """For ``[(id, version)]`` return the cached fragment or None, in order."""
    return [value if state == FRESH else None for value, state, _ in lookup(keys, field, stale=False)]


FRESH, STALE, MISS = "fresh", "stale", "miss"


def lookup(keys: list[tuple[str, str]], field: str,
           stale: bool = True) -> list[tuple[str | None, str, str | None]]:
    """For ``[(id, version)]`` return ``(value, state, stored_version)`` in order.

    ``state`` is ``fresh`` (built for this version), ``stale`` (built for this very
    dataset revision under older catalogue settings — served while the background
    rebuild replaces it, see :mod:`ckanext.sach.dcat.jobs`; only when ``stale``) or
    ``miss``. Redis errors make every key a miss: the cache is optional.
    """
    misses: list[tuple[str | None, str, str | None]] = [(None, MISS, None)] * len(keys)
    if not keys or not enabled():
        return misses
    results = None
    with guarded(_UNAVAILABLE):  # Redis down or restarting: serve uncached rather than fail
        pipe = connect_to_redis().pipeline(transaction=False)
        for dataset_id, _ in keys:
            pipe.hget(_key(dataset_id), field)
        results = pipe.execute()
    if results is None:
        return misses
    out: list[tuple[str | None, str, str | None]] = []
    for (_, version), raw in zip(keys, results, strict=True):
        try:
            stored, _, value = raw.decode().partition(_SEP) if raw is not None else ("", "", "")
        except UnicodeDecodeError:  # not written by this module: a miss (rebuilt over it)
            stored = ""
        if not stored:
            out.append((None, MISS, None))
        elif stored == version:
            out.append((value, FRESH, stored))
        elif stale and stored.partition("|")[0] == version.partition("|")[0]:
            out.append((value, STALE, stored))
        else:
            out.append((None, MISS, None))
    return out


# ----------------------------------------------------------------- counters
STATS_KEY = "sach:dcat:stats"


def count(**counts: int) -> None:
    """Add to the served-entry counters (``built`` = a cold entry built inside a request)."""
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return
    with guarded(_UNAVAILABLE):
        pipe = connect_to_redis().pipeline(transaction=False)
        for name, value in counts.items():
            pipe.hincrby(STATS_KEY, name, value)
        pipe.execute()


def stats() -> dict[str, int]:
    """Counters since the last :func:`reset_stats`: fresh, stale and built entries served."""
    # CKAN's connection does not decode responses: bytes (redis-py types either)
    raw = cast("dict[bytes, bytes]", connect_to_redis().hgetall(STATS_KEY))
    return {k.decode(): int(v) for k, v in raw.items()}


def reset_stats() -> None:
    connect_to_redis().delete(STATS_KEY)


# ------------------------------------------------------- settings versions
READY_KEY = "sach:dcat:ready"
SEEN_PREFIX = "sach:dcat:seen:"


def version_seen(version: str) -> float | None:
    """When this settings version was first served (epoch seconds); None if Redis is down."""
    raw = None
    with guarded(_UNAVAILABLE):
        redis = connect_to_redis()
        key = SEEN_PREFIX + version
        redis.set(key, repr(time.time()), nx=True, ex=90 * 86400)
        raw = cast("bytes | None", redis.get(key))
    try:
        return float(raw) if raw else None
    except ValueError:  # not written by this module
        return None


def ready_version() -> str | None:
    """The settings version whose entries the last full rebuild finished."""
    raw = None
    with guarded(_UNAVAILABLE):
        raw = cast("bytes | None", connect_to_redis().get(READY_KEY))  # responses are not decoded
    try:
        return raw.decode() if raw else None
    except UnicodeDecodeError:  # not written by this module
        return None


def set_ready(version: str) -> None:
    with guarded(_UNAVAILABLE):
        connect_to_redis().set(READY_KEY, version)


def put_many(entries: list[tuple[str, str, str, str]]) -> None:
    """Store ``[(id, version, field, value)]`` in one round trip."""
    if not entries or not enabled():
        return
    ttl = sach_config.dcat_cache_ttl()
    with guarded(_UNAVAILABLE):
        pipe = connect_to_redis().pipeline(transaction=False)
        for dataset_id, version, field, value in entries:
            key = _key(dataset_id)
            pipe.hset(key, field, version + _SEP + value)
            pipe.expire(key, ttl)
        pipe.execute()


def invalidate_dataset(dataset_id: str | None) -> None:
    if not dataset_id:
        return
    with guarded(_UNAVAILABLE):
        connect_to_redis().delete(_key(dataset_id))


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
    with guarded(_UNAVAILABLE):
        connect_to_redis().delete(*[_key(i) for i in ids])


def clear() -> int:
    """Remove every DCAT entry, counter and rebuild marker (tests, the benchmark's cold runs)."""
    redis = connect_to_redis()
    keys = list(redis.scan_iter("sach:dcat:*", count=1000))
    for start in range(0, len(keys), 1000):
        redis.delete(*keys[start:start + 1000])
    return len(keys)


def on_dataset_change(event: str, context: Any, pkg_dict: dict[str, Any]) -> None:
    """Hook for :func:`ckanext.sach.hooks.after_dataset_change`: the dataset's entries are
    rebuilt by a background job once the change commits (write-through)."""
    from ckanext.sach.dcat import jobs

    jobs.after_commit_rebuild((pkg_dict or {}).get("id"))
