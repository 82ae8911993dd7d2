"""Results of identical searches, kept in Redis until the index changes.

The catalogue page, the home page and harvesters repeat the same faceted searches; over the whole
catalogue those are the slowest queries. A result is cached under the index *generation*, a Redis
counter that moves on whenever a transaction that wrote to the index commits or rolls back
(`sach_search_doc` writes mark CKAN's session). So a cached result never outlives a change that
other requests can see, and a session with uncommitted index writes neither reads nor fills the
cache (it must see its own writes).
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, cast

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis

from ckanext.sach.search import config as search_config

log = logging.getLogger(__name__)

_DIRTY = "sach_search_dirty"
_listening = False


def _prefix() -> str:
    return f"{tk.config.get('ckan.site_id') or 'default'}:sach:search"


def mark_dirty() -> None:
    """The current session wrote to the index: bypass the cache until it ends."""
    model.Session.info[_DIRTY] = True


def is_dirty() -> bool:
    """Whether the current session has uncommitted index writes."""
    return bool(model.Session.info.get(_DIRTY))


def bump() -> None:
    """Move the index generation on: every cached result becomes unreachable.

    With search replicas, the primary's WAL position is recorded first (`replica.py`): whoever
    sees the new generation also sees a position at least as recent, so a replica's answer is
    cached only if it includes the change."""
    from ckanext.sach.search import replica

    replica.note_index_write()
    try:
        connect_to_redis().incr(f"{_prefix()}:generation")
    except Exception as e:  # Redis down: results are simply not cached (see get/put)
        log.warning("Could not invalidate the search cache: %s", e)


def _on_commit(session: Any) -> None:
    if session.info.pop(_DIRTY, False):
        bump()


def _on_rollback(session: Any) -> None:
    if session.info.get(_DIRTY):
        bump()
        if not session.in_transaction():
            session.info.pop(_DIRTY, None)


def listen() -> None:
    """Hook the session events once (called by `install()`)."""
    global _listening
    if _listening:
        return
    sa.event.listen(model.Session, "after_commit", _on_commit)
    sa.event.listen(model.Session, "after_rollback", _on_rollback)
    _listening = True


def _key(statement: str, params: dict[str, Any], generation: bytes | None) -> str:
    digest = hashlib.sha256(
        json.dumps([statement, params], sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return f"{_prefix()}:{(generation or b'0').decode()}:{digest}"


def get(statement: str, params: dict[str, Any]) -> tuple[str | None, Any]:
    """(key to store under, cached value or None). The key is None when caching is off."""
    seconds = search_config.cache_seconds()
    if seconds <= 0 or model.Session.info.get(_DIRTY):
        return None, None
    try:
        redis = connect_to_redis()
        # CKAN's connection does not decode responses: bytes (redis-py types either)
        key = _key(statement, params, cast("bytes | None", redis.get(f"{_prefix()}:generation")))
        cached = redis.get(key)
    except Exception as e:
        log.warning("Search cache unavailable: %s", e)
        return None, None
    return key, json.loads(cached) if cached else None


def put(key: str | None, value: Any) -> None:
    if key is None:
        return
    try:
        payload = json.dumps(value)
    except (TypeError, ValueError):  # not plain JSON (e.g. dates): not cached
        return
    try:
        connect_to_redis().set(key, payload, ex=search_config.cache_seconds())
    except Exception as e:
        log.warning("Could not store a search result in the cache: %s", e)
