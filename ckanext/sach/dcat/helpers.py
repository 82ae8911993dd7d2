"""Point ckanext-dcat's template helpers at this site's DCAT endpoints.

ckanext-dcat's routes are switched off (its blueprint would shadow ours), so its
``<link rel="alternate">`` snippets must build URLs for ``sach_dcat.*``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["dcat_endpoints_enabled", "dcat_get_endpoint"]


@tk.chained_helper
def dcat_get_endpoint(next_helper: Callable[..., str], _type: str = "dataset") -> str:
    return "sach_dcat.read_dataset" if _type == "dataset" else "sach_dcat.read_catalog"


@tk.chained_helper
def dcat_endpoints_enabled(next_helper: Callable[..., Any]) -> bool:
    return True
