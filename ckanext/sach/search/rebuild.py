"""Parallel search-index rebuild whose workers each own a database connection.

Core's ``search-index rebuild-fast`` forks workers that share the parent's SQLAlchemy
connection (issue #14: half the documents refreshed, exit 0). Here each forked worker
first drops the inherited pool with ``engine.dispose(close=False)`` (the parent's
sockets are left alone, the child opens its own), indexes its chunk, and reports the
ids it indexed and the ids that failed; the parent fails loudly on any failure or on
a worker that died. The set of ids is the one core ``rebuild`` uses (every dataset,
deleted ones too unless ``ckan.search.remove_deleted_packages``), and each goes
through ``index_update_package``, so the index ends as a plain ``rebuild`` leaves it.

Status: first draft (deadline), not yet tested; see /work/notes/rebuild.md.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from dataclasses import dataclass, field
from typing import Any

import ckan.logic as logic
import ckan.model as model
from ckan.plugins import toolkit


@dataclass
class RebuildResult:
    indexed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 0


def _fresh_connections() -> None:
    """Pool initializer: forget the connections inherited from the parent."""
    model.meta.engine.dispose(close=False)
    model.Session.remove()


def _index_chunk(ids: list[str]) -> tuple[list[str], dict[str, str]]:
    context: Any = {"ignore_auth": True}
    done: list[str] = []
    failed: dict[str, str] = {}
    for pkg_id in ids:
        try:
            logic.index_update_package(context, pkg_id, True)
            done.append(pkg_id)
        except Exception as e:  # reported to the parent, which fails loudly
            model.Session.rollback()
            failed[pkg_id] = repr(e)
    model.Session.commit()
    model.Session.remove()
    return done, failed


def ids_to_index() -> list[str]:
    query = model.Session.query(model.Package.id)
    if toolkit.config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != "deleted")
    return [row[0] for row in query.order_by(model.Package.id)]


def rebuild(workers: int = 2, chunk_size: int = 250) -> RebuildResult:
    started = time.monotonic()
    ids = ids_to_index()
    model.Session.commit()
    model.Session.remove()
    chunks = [ids[i:i + chunk_size] for i in range(0, len(ids), chunk_size)]
    result = RebuildResult(workers=workers)
    # fork: workers inherit the loaded CKAN config; the initializer gives each its own
    # connections. A worker killed mid-chunk makes the pool raise (BrokenProcessPool is
    # not used by multiprocessing.Pool, so we use concurrent.futures instead).
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                             initializer=_fresh_connections) as pool:
        for done, failed in pool.map(_index_chunk, chunks):
            result.indexed.extend(done)
            result.failed.update(failed)
    result.seconds = time.monotonic() - started
    return result
