"""Chained actions: drop cached DCAT output of an organization's datasets when it changes."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach.dcat import cache

__all__ = ["organization_update", "organization_delete"]


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
