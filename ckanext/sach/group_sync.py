"""Datasets show the current name of their dependencia and temas in search.

A dataset's search document carries the title of its organization and groups (CKAN's index
preparation copies them in), and CKAN core reindexes nothing when an organization or group is
edited: a renamed tema kept its old title in search results and facets until a full rebuild. Here an
edit of an organization or group reindexes its datasets: in the same transaction when they are few
(``ckanext.sach.groups.reindex_inline_max``), otherwise by a background job enqueued once the edit
is committed (never for an edit that rolls back).
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import logic, model

from ckanext.sach import config as sach_config

log = logging.getLogger(__name__)


def dataset_ids(group: model.Group) -> list[str]:
    """Ids of the datasets (any state but deleted) of an organization or group."""
    if group.is_organization:
        query = model.Session.query(model.Package.id).filter(model.Package.owner_org == group.id)
    else:
        query = (model.Session.query(model.Package.id)
                 .join(model.Member, sa.and_(model.Member.table_id == model.Package.id,
                                             model.Member.table_name == "package",
                                             model.Member.state == "active"))
                 .filter(model.Member.group_id == group.id))
    return [row[0] for row in query.filter(model.Package.state != "deleted").distinct()]


def reindex_datasets(ids: list[str], defer_commit: bool = False) -> int:
    """Reindex the datasets with these ids (missing ones are skipped); how many were indexed."""
    context: Any = {"ignore_auth": True, "use_cache": False, "validate": False}
    done = 0
    for dataset_id in ids:
        try:
            logic.index_update_package(context, dataset_id, True)
        except tk.ObjectNotFound:
            continue
        done += 1
    if not defer_commit and done:
        from ckan.lib import search

        search.commit()
    return done


def reindex_job(group_id: str) -> int:
    """Background job: reindex every dataset of a group as it is now."""
    group = model.Group.get(group_id)
    if group is None:
        return 0
    done = reindex_datasets(dataset_ids(group))
    log.info("Reindexed %s datasets of %s", done, group.name)
    return done


def on_group_edit(group: model.Group) -> None:
    # CKAN's dataset dictization reads groups with Core selects, which do not autoflush
    model.Session.flush()
    ids = dataset_ids(group)
    if not ids:
        return
    if len(ids) <= sach_config.groups_reindex_inline_max():
        # same transaction as the edit: the new title and the documents are committed together
        reindex_datasets(ids, defer_commit=True)
        return
    session = model.Session()
    group_id, title = group.id, group.display_name

    def enqueue(_session: Any) -> None:
        tk.enqueue_job(reindex_job, [group_id], title=f"Reindexar conjuntos de {title}")

    sa.event.listen(session, "after_commit", enqueue, once=True)
