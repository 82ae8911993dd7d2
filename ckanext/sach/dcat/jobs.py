"""Write-through of the DCAT and data.json cache: background jobs keep every entry warm.

- A dataset change enqueues :func:`rebuild_dataset` once the change commits (an
  ``after_commit`` listener on the session: a job enqueued from the action itself
  could run before the commit and read the old revision).
- A change that every entry depends on — catalogue settings (noticed by the first
  export request after a restart), dependencias, temas, vocabularies — enqueues
  :func:`rebuild_all` for the new settings version, once per version.

While :func:`rebuild_all` runs, the entries built under the previous settings for
the same dataset revision keep being served (``cache.STALE``): only catalogue-wide
context changed (a dependencia's title, a tema, the catalogue's licence…), so the
old entry is a correct description of the dataset as it was published a moment
ago, and a harvester gets a warm, complete page instead of waiting for cold
serialisation or finding the site stuck. Validators stay truthful: the ETag is
computed from the versions actually served, so the next conditional GET after the
rebuild gets the new entries. A dataset whose own revision changed is never served
stale (its job, or the request, builds it).

Jobs are enqueued as function objects (RQ 2 rejects "module:function" strings).
Redis being down never fails the change that triggered them.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from redis.exceptions import RedisError

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)

#: cache fields rebuilt by the jobs (the three RDF serialisations and data.json)
FIELDS = ("ttl", "rdf", "jsonld", "pod")
_PENDING = "sach_dcat_pending"
_REBUILD_LOCK = "sach:dcat:rebuild:"


# ------------------------------------------------------------------- enqueue
def _enqueue(fn: Any, args: list[Any], title: str) -> bool:
    from ckanext.sach.dcat import cache

    if not cache.enabled():
        return False
    try:
        tk.enqueue_job(fn, args, title=title)
    except RedisError as e:  # Redis down: the request path builds what is missing
        log.warning("DCAT write-through job not enqueued (%s): %s", title, e)
        return False
    return True


def after_commit_rebuild(dataset_id: str | None) -> None:
    """Remember the dataset; its rebuild is enqueued when the session commits."""
    if not dataset_id:
        return
    _listen()
    model.Session().info.setdefault(_PENDING, set()).add(dataset_id)


def ensure_rebuild_all(version: str) -> bool:
    """Enqueue :func:`rebuild_all` for ``version`` unless one was enqueued already."""
    from ckanext.sach.dcat import cache

    if not cache.enabled():
        return False
    try:
        if not connect_to_redis().set(_REBUILD_LOCK + version, "1", nx=True, ex=3600):
            return False
    except RedisError as e:
        log.warning("DCAT cache unavailable: %s", e)
        return False
    return _enqueue(rebuild_all, [version], f"DCAT: reconstruir caché ({version})")


def settings_changed() -> None:
    """Something every entry depends on changed and is committed: rebuild all entries."""
    from ckanext.sach.dcat import catalogue, orgs

    orgs.clear()
    catalogue.forget()
    ensure_rebuild_all(catalogue.settings_version())


def _listen() -> None:
    if sa.event.contains(model.Session, "after_commit", _after_commit):
        return
    sa.event.listen(model.Session, "after_commit", _after_commit)
    sa.event.listen(model.Session, "after_rollback", _after_rollback)


def _after_commit(session: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    for dataset_id in sorted(pending or ()):
        _enqueue(rebuild_dataset, [dataset_id], f"DCAT: reconstruir {dataset_id}")


def _after_rollback(session: Any) -> None:
    session.info.pop(_PENDING, None)


# ---------------------------------------------------------------------- jobs
def _build(rows: list[Any], version: str, fields: Iterable[str] = FIELDS) -> dict[str, int]:
    from ckanext.sach.dcat import pod, serialize

    built = 0
    for field in fields:
        if field == "pod":
            stats: dict[str, int] = {}
            for _ in pod.entries(rows, version, stats=stats):
                pass
        else:
            stats = {}
            fmt = {"rdf": "rdf", "ttl": "ttl", "jsonld": "jsonld"}[field]
            for _ in serialize.fragments(rows, fmt, version, stats=stats, stale=False):
                pass
        built += stats.get("built", 0)
    return {"built": built}


def rebuild_dataset(dataset_id: str) -> dict[str, int]:
    """Job: build the dataset's DCAT and data.json entries (or drop them if it is hidden now)."""
    from ckanext.sach.dcat import cache, catalogue, listing, orgs

    orgs.clear()
    try:
        row = listing.find(dataset_id)
        if row is None:
            cache.invalidate_dataset(dataset_id)
            return {"built": 0}
        return _build([row], catalogue.settings_version())
    finally:
        model.Session.remove()


def rebuild_all(version: str | None = None) -> dict[str, int]:
    """Job: build every public dataset's entries for the current settings version.

    Entries are written batch by batch, each replacing its predecessor only when it
    is ready; until then the previous one is served. ``version`` is the version the
    job was enqueued for; if the settings moved on meanwhile, it builds the newest.
    """
    from ckanext.sach.dcat import cache, catalogue, listing, orgs

    orgs.clear()
    catalogue.forget()
    try:
        current = catalogue.settings_version()
        built = 0
        batch: list[Any] = []
        for row in listing.iter_rows():
            batch.append(row)
            if len(batch) >= 200:
                built += _build(batch, current)["built"]
                batch = []
        if batch:
            built += _build(batch, current)["built"]
        cache.set_ready(current)
        log.info("DCAT cache rebuilt for settings %s: %d entries built", current, built)
        return {"built": built}
    finally:
        model.Session.remove()
