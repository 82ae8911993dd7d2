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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from ckan import model

from ckanext.sach import cache as shared
from ckanext.sach.search import config as search_config

NAMESPACE = shared.Namespace("search")
_DIRTY = "sach_search_dirty"


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
    NAMESPACE.bump()  # Redis down: results are simply not cached (see `lookup`)


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
    if sa.event.contains(model.Session, "after_commit", _on_commit):
        return
    sa.event.listen(model.Session, "after_commit", _on_commit)
    sa.event.listen(model.Session, "after_rollback", _on_rollback)


def _name(statement: str, params: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps([statement, params], sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


@contextmanager
def lookup(statement: str, params: dict[str, Any]) -> Iterator[shared.Fill]:
    """The cached result of a query, or the right to run it and `Fill.put` the result.

    ``fill.key`` is None when caching is off (option at 0, a session with uncommitted index
    writes, Redis unavailable): nothing is read or stored then. Concurrent identical misses
    wait for the first one's result instead of running the same query (`ckanext.sach.cache`).
    """
    seconds = search_config.cache_seconds()
    if seconds <= 0 or is_dirty():
        yield shared.Fill(NAMESPACE, None, 0)
        return
    with NAMESPACE.filling(_name(statement, params), seconds) as fill:
        yield fill
