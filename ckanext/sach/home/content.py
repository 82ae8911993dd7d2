"""Data of the home page: figures, temas, dependencias and formats with counts, newest and
featured datasets.

Computed from ONE faceted ``package_search`` run as an anonymous visitor (plus, only when
featured datasets are configured, one search for them) and kept in the page cache that the
microsite sections share, so any dataset change invalidates it with them.
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.sach import config
from ckanext.sach.microsite.content import cached, dataset_brief, public_search

__all__ = ["FACETS", "FEATURED", "NEWEST", "home"]

FACETS = ["groups", "organization", "res_format", "license_id"]
NEWEST = 6
FEATURED = 6


def _facet(search: dict[str, Any], name: str) -> list[dict[str, Any]]:
    items = (search.get("search_facets") or {}).get(name, {}).get("items", [])
    return sorted(items, key=lambda i: (-i["count"], i.get("display_name") or i["name"]))


def _catalogue_search() -> dict[str, Any]:
    """Counts per facet and the newest datasets, in one search."""
    return public_search({
        "q": "*:*",
        "fq": "+dataset_type:dataset",
        "facet.field": json.dumps(FACETS),
        "facet.limit": -1,
        "facet.mincount": 1,
        "sort": "metadata_created desc",
        "rows": max(NEWEST, FEATURED) * 2,
    })


def _configured_featured(names: list[str]) -> list[dict[str, Any]]:
    """The datasets named in ``ckanext.sach.home.featured_datasets``, in that order."""
    quoted = " OR ".join(json.dumps(n) for n in names[:FEATURED])
    found = public_search({
        "q": "*:*",
        "fq": f"+dataset_type:dataset +name:({quoted})",
        "rows": FEATURED,
    })["results"]
    order = {n: i for i, n in enumerate(names)}
    return [dataset_brief(p) for p in sorted(found, key=lambda p: order.get(p["name"], 99))]


def _recently_modified(results: list[dict[str, Any]], newest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without configured ones, the featured datasets are the recently modified ones that are
    not among the newest (on a small catalogue, the newest themselves)."""
    by_modified = sorted(results, key=lambda p: p.get("metadata_modified") or "", reverse=True)
    newest_names = {p["name"] for p in newest}
    featured = [dataset_brief(p) for p in by_modified if p["name"] not in newest_names][:FEATURED]
    return featured or [dataset_brief(p) for p in by_modified[:FEATURED]]


def _compute() -> dict[str, Any]:
    search = _catalogue_search()
    newest = [dataset_brief(p) for p in search["results"][:NEWEST]]
    featured_names = config.home_featured_datasets()
    featured = (_configured_featured(featured_names) if featured_names
                else _recently_modified(search["results"], newest))
    groups = _facet(search, "groups")
    orgs = _facet(search, "organization")
    formats = _facet(search, "res_format")
    return {
        "count": search["count"],
        "groups": groups,
        "organizations": orgs,
        "formats": formats,
        "licenses": _facet(search, "license_id"),
        "newest": newest,
        "featured": featured,
        "figures": {
            "datasets": search["count"],
            "organizations": len(orgs),
            "groups": len(groups),
            "formats": len(formats),
        },
    }


def home() -> dict[str, Any]:
    """The home page's data, from the page cache."""
    return cached("home", _compute)
