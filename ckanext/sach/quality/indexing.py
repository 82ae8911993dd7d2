"""Quality in the search index: the keys added to every dataset document and the facets.

Index keys added to every ``dataset`` document (usable in ``fq``, ranges and
``facet.field``):

``quality_completeness``  integer 0–100 (Guía required elements present)
``openness_stars``        integer 0–5 (best data resource)
``has_dictionary``        ``true`` / ``false``
``freshness``             ``current`` / ``due`` / ``overdue`` / ``not_applicable`` / ``unknown``
``freshness_due``         ISO date of the next expected update (when periodic)

Freshness depends on the date: the indexed value is the one of the day the
dataset was indexed. ``ckan sach check --reindex`` (run it daily from cron)
reindexes the datasets whose freshness changed since.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach import dates

from . import scoring
from .helpers import FRESHNESS_LABELS

FACETS = {"freshness": "Actualización", "openness_stars": "Estrellas de apertura"}


def _validated(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    raw = pkg_dict.get("validated_data_dict")
    if isinstance(raw, str) and raw:
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return pkg_dict


def index_fields(pkg_dict: dict[str, Any], on: dt.date | None = None) -> dict[str, Any]:
    """Add the quality keys to a dataset document (called from before_dataset_index)."""
    if pkg_dict.get("type") != "dataset":
        return pkg_dict
    facts = scoring.summary(_validated(pkg_dict), on or dates.today())
    pkg_dict["quality_completeness"] = facts["completeness"]
    pkg_dict["openness_stars"] = facts["openness_stars"]
    pkg_dict["has_dictionary"] = "true" if facts["has_dictionary"] else "false"
    pkg_dict["freshness"] = facts["freshness"]
    if facts["due"]:
        pkg_dict["freshness_due"] = facts["due"]
    return pkg_dict


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """Facet items of freshness and stars show Spanish labels."""
    facets = search_results.get("search_facets") or {}
    for item in (facets.get("freshness") or {}).get("items", []):
        item["display_name"] = tk._(FRESHNESS_LABELS.get(item.get("name"), item.get("name")))
    for item in (facets.get("openness_stars") or {}).get("items", []):
        n = str(item.get("name"))
        item["display_name"] = "★" * int(n) + f" ({n})" if n.isdigit() else n
    return search_results


def add_facets(facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
    if package_type == "dataset":
        for key, title in FACETS.items():
            facets_dict.setdefault(key, tk._(title))
    return facets_dict
