"""Chained actions.

- Changes of dependencias (organizations) and temas (groups) rebuild every cached DCAT
  and data.json entry in a background job (every entry depends on them: agents, themes,
  the settings version); the previous entries are served until then.
- ckanext-dcat's own RDF actions (reachable through the Action API) follow the site's
  export rules: only public, active datasets of type ``dataset``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.sach.dcat import jobs, listing

__all__ = [
    "dcat_catalog_search",
    "dcat_catalog_show",
    "dcat_dataset_show",
    "group_create",
    "group_delete",
    "group_patch",
    "group_update",
    "organization_create",
    "organization_delete",
    "organization_patch",
    "organization_update"
]


def _rebuilding(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    result = next_action(context, data_dict)  # committed by the action
    jobs.settings_changed()
    return result


@tk.chained_action
def organization_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def organization_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def organization_patch(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def organization_delete(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def group_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def group_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def group_patch(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
def group_delete(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _rebuilding(next_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_dataset_show(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """Return one dataset as a DCAT serialization (ckanext-dcat's action; a dataset the caller
    may not see, or microsite content, is not found).

    :param id: the id or name of the dataset
    :param format: ``turtle``, ``xml``, ``jsonld`` or ``n3``
    :param profiles: the DCAT profiles to use
    """
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
def dcat_catalog_show(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """Return the catalogue (one page of datasets) as a DCAT serialization (ckanext-dcat's action;
    only datasets of type ``dataset``, never microsite content).

    :param page: page number (1 or more)
    :param modified_since: only datasets modified since this ISO 8601 date
    :param format: ``turtle``, ``xml``, ``jsonld`` or ``n3``
    :param profiles: the DCAT profiles to use
    """
    return next_action(context, _only_datasets(data_dict))


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """Search the catalogue and return the matching page of datasets as a DCAT catalogue
    serialization (ckanext-dcat's action; only datasets of type ``dataset``, never microsite
    content).

    :param q: the search query (``package_search`` syntax)
    :param fq: filter queries
    :param modified_since: only datasets modified since this ISO 8601 date
    :param page: page number (1 or more)
    :param format: ``turtle``, ``xml``, ``jsonld`` or ``n3``
    :param profiles: the DCAT profiles to use
    """
    return next_action(context, _only_datasets(data_dict))
