"""Chained actions.

- Organization changes drop the cached DCAT output of the organization's datasets.
- ckanext-dcat's own RDF actions (reachable through the Action API) follow the site's
  export rules: only public, active datasets of type ``dataset``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach.dcat import cache, listing

__all__ = [
    "organization_update", "organization_delete",
    "dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search"
]


@tk.chained_action
def organization_update(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    result = next_action(context, data_dict)
    cache.invalidate_organization((result or {}).get("id") or data_dict.get("id"))
    return result


@tk.chained_action
def organization_delete(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    result = next_action(context, data_dict)
    cache.invalidate_organization(data_dict.get("id"))
    return result


@tk.chained_action
@tk.side_effect_free
def dcat_dataset_show(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    if listing.find(str(data_dict.get("id") or "")) is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return next_action(context, data_dict)


def _only_datasets(data_dict: dict[str, Any]) -> dict[str, Any]:
    data_dict = dict(data_dict)
    fq = data_dict.get("fq") or ""
    data_dict["fq"] = f"+dataset_type:dataset {fq}".strip()
    return data_dict


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    return next_action(context, _only_datasets(data_dict))


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    return next_action(context, _only_datasets(data_dict))
