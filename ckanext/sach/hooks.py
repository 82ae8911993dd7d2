"""Dataset life-cycle hooks of the `sach` plugin, called from plugin.py."""
from __future__ import annotations

from typing import Any


def configure(config: Any) -> None:
    """Load vocabularies and anything else needed once at start-up."""
    from ckanext.sach.logic import indexing

    indexing.configure(config)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    from ckanext.sach.logic import indexing

    pkg_dict = indexing.before_dataset_index(pkg_dict)
    from ckanext.sach.quality import logic as quality

    pkg_dict = quality.index_fields(pkg_dict)
    from ckanext.sach import coverage

    pkg_dict = coverage.index_fields(pkg_dict)
    return pkg_dict


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    from ckanext.sach.microsite import hooks as microsite_hooks

    search_params = microsite_hooks.default_dataset_type(search_params)
    return search_params


def after_dataset_search(
    search_results: dict[str, Any], search_params: dict[str, Any]
) -> dict[str, Any]:
    from ckanext.sach.logic import indexing

    search_results = indexing.after_dataset_search(search_results, search_params)
    from ckanext.sach.quality import logic as quality

    search_results = quality.label_facets(search_results)
    return search_results


def after_dataset_change(event: str, context: Any, pkg_dict: dict[str, Any]) -> None:
    """Called after create/update/delete (event is one of those words)."""
    from ckanext.sach.microsite import hooks as microsite_hooks

    microsite_hooks.after_dataset_change(event, context, pkg_dict)
    from ckanext.sach.dcat import cache as dcat_cache

    dcat_cache.on_dataset_change(event, context, pkg_dict)


def dataset_facets(facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
    from ckanext.sach.logic import indexing

    facets_dict = indexing.dataset_facets(facets_dict, package_type)
    from ckanext.sach.quality import logic as quality

    facets_dict = quality.add_facets(facets_dict, package_type)
    return facets_dict
