"""Who may find a dataset in search: CKAN's permission labels, tightened for drafts and deletions.

CKAN's defaults let every member of the owning organization find its drafts and (with
`include_deleted`) its deleted datasets. Here a draft is findable only by its creator and a deleted
dataset by nobody but sysadmins (who search without labels). Public and private datasets and
collaborators keep CKAN's rules. The labels are computed while indexing, so they hold for Solr and
for the PostgreSQL backend alike: authorization, not a part of either engine. The `sach` plugin
answers CKAN's `IPermissionLabels` with these two functions.
"""
from __future__ import annotations

from typing import Any

from ckan.lib.plugins import DefaultPermissionLabels

__all__ = ["get_dataset_labels", "get_user_dataset_labels"]


class SachPermissionLabels(DefaultPermissionLabels):
    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        if dataset_obj.state == "deleted":
            return []
        if dataset_obj.state == "draft":
            return [f"creator-{dataset_obj.creator_user_id}"]
        return super().get_dataset_labels(dataset_obj)


_labels = SachPermissionLabels()


def get_dataset_labels(dataset_obj: Any) -> list[str]:
    return _labels.get_dataset_labels(dataset_obj)


def get_user_dataset_labels(user_obj: Any) -> list[str]:
    return _labels.get_user_dataset_labels(user_obj)
