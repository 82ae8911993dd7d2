"""Dataset life-cycle hooks of the `sach` plugin, called from plugin.py.

Each area keeps its own logic; this module only calls them in order.
"""
from __future__ import annotations

from typing import Any

from ckanext.sach import coverage, indexing
from ckanext.sach.dcat import cache as dcat_cache
from ckanext.sach.microsite import hooks as microsite_hooks
from ckanext.sach.quality import indexing as quality


def configure(config: Any) -> None:
    """Load vocabularies and anything else needed once at start-up."""
    indexing.configure(config)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    pkg_dict = indexing.before_dataset_index(pkg_dict)
    pkg_dict = quality.index_fields(pkg_dict)
    return coverage.index_fields(pkg_dict)


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    return microsite_hooks.default_dataset_type(search_params)


def after_dataset_search(search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
    search_results = indexing.after_dataset_search(search_results, search_params)
    return quality.label_facets(search_results)


def after_dataset_change(event: str, context: Any, pkg_dict: dict[str, Any]) -> None:
    """Called after create/update/delete (event is one of those words)."""
    microsite_hooks.after_dataset_change(event, context, pkg_dict)
    dcat_cache.on_dataset_change(event, context, pkg_dict)


def dataset_facets(facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
    facets_dict = indexing.dataset_facets(facets_dict, package_type)
    return quality.add_facets(facets_dict, package_type)
