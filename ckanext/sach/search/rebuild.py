"""Parallel search-index rebuild whose workers each own a database connection.

Core's ``search-index rebuild-fast`` forks workers that share the parent's SQLAlchemy
connection (issue #14: half the documents refreshed, exit 0). Here each forked worker
first drops the inherited pool with ``engine.dispose(close=False)`` (the parent's
sockets are left alone, the child opens its own), indexes its chunk, and reports the
ids it indexed and the ids that failed; the parent fails loudly on any failure or on
a worker that died. The set of ids is the one core ``rebuild`` uses (every dataset,
deleted ones too unless ``ckan.search.remove_deleted_packages``), and each goes
through ``index_update_package``, so the index ends as a plain ``rebuild`` leaves it.

Each dataset is indexed inside a savepoint, so a dataset that fails leaves the chunk's other
documents to be committed. Afterwards, with the PostgreSQL backend, the parent checks that every
id reported as indexed has its document (`missing` lists the others).
"""
from __future__ import annotations

import multiprocessing as mp
import time
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import logic, model

from ckanext.sach.search import schema


@dataclass
class RebuildResult:
    indexed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0


def _fresh_connections() -> None:
    """Pool initializer: forget the connections inherited from the parent."""
    schema.engine().dispose(close=False)
    model.Session.remove()


def _index_chunk(ids: list[str]) -> tuple[list[str], dict[str, str]]:
    context: Any = {"ignore_auth": True}
    done: list[str] = []
    failed: dict[str, str] = {}
    for pkg_id in ids:
        savepoint = model.Session.begin_nested()
        try:
            logic.index_update_package(context, pkg_id, True)
            savepoint.commit()
            done.append(pkg_id)
        except Exception as e:  # noqa: BLE001 -- any error of any plugin is this dataset's: reported, and the parent fails loudly
            if savepoint.is_active:
                savepoint.rollback()
            failed[pkg_id] = f"{type(e).__name__}: {e}"
    model.Session.commit()
    model.Session.remove()
    return done, failed


def ids_to_index() -> list[str]:
    query = model.Session.query(model.Package.id)
    if tk.config.get("ckan.search.remove_deleted_packages"):
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
    result.missing = _missing_documents(result.indexed)
    result.seconds = time.monotonic() - started
    return result


def _missing_documents(ids: list[str]) -> list[str]:
    """Ids reported as indexed whose document is not in the PostgreSQL index (a worker whose
    writes were lost). Only with `sach_pgsearch`; Solr is not asked."""
    from ckanext.sach import search as pgsearch

    if not ids or not pgsearch.is_active():
        return []
    import sqlalchemy as sa

    site_id = tk.config.get("ckan.site_id")
    found = {
        row[0]
        for row in model.Session.execute(
            sa.text("SELECT id FROM sach_search_doc WHERE site_id = :site AND id = ANY(:ids)"),
            {"site": site_id, "ids": ids},
        )
    }
    model.Session.commit()
    return [i for i in ids if i not in found]
