"""The catalogue home page: search box, temas and dependencias with counts,
newest and featured datasets and catalogue figures, from one cached search.

Plugin blueprints are registered before CKAN's core ones, so this rule for
``/`` is matched before ``home.index`` (which keeps existing for
``url_for('home.index')``).
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.sach.home import content

__all__ = ["blueprint", "get_blueprints", "visible_counts"]

blueprint = Blueprint("sach_home", __name__)


def get_blueprints() -> list[Blueprint]:
    return [blueprint]


@blueprint.route("/")
def index() -> str:
    data = content.home()
    if tk.g.get("user"):
        # The cached figures are the public ones; a signed-in officer also
        # sees (and finds by following the links) private datasets.
        data = _with_visible_counts(data, visible_counts())
    return tk.render("sach/home.html", extra_vars={"home": data})


def _with_visible_counts(data: dict[str, Any], counts: dict[str, Any]) -> dict[str, Any]:
    """The home data with the dependencias and temas lists counted for the visitor."""
    data = dict(data)
    for key, facet in (("organizations", "organization"), ("groups", "groups")):
        listed = {item["name"] for item in data[key]}
        data[key] = [
            dict(item, count=counts[facet][item["name"]])
            for item in data[key] if counts[facet].get(item["name"])
        ] + [
            {"name": name, "display_name": counts["titles"].get(name, name), "count": n}
            for name, n in counts[facet].items()
            if name not in listed
        ]
    return data


def visible_counts() -> dict[str, dict[str, int]]:
    """Datasets (type ``dataset``, active, not drafts) that the current
    visitor can open, per dependencia and per tema: ONE faceted
    ``package_search`` run as the visitor (private datasets count only for
    members of their dependencia, as ``/dataset`` shows them)."""
    cached = tk.g.get("sach_visible_counts")
    if cached is not None:
        return cached
    user = tk.g.get("user") or ""
    result = tk.get_action("package_search")(
        {"user": user},
        {
            "q": "*:*",
            "fq": "+dataset_type:dataset",
            "facet.field": json.dumps(["organization", "groups"]),
            "facet.limit": -1,
            "facet.mincount": 1,
            "rows": 0,
            "include_private": bool(user),
            "include_drafts": False,
        },
    )
    facets = result.get("search_facets") or {}
    counts: dict[str, Any] = {
        key: {item["name"]: item["count"] for item in (facets.get(key) or {}).get("items", [])}
        for key in ("organization", "groups")
    }
    counts["titles"] = {
        item["name"]: item.get("display_name") or item["name"]
        for key in ("organization", "groups")
        for item in (facets.get(key) or {}).get("items", [])
    }
    tk.g.sach_visible_counts = counts
    return counts


@blueprint.route("/organization/", strict_slashes=False)
def organization_index() -> str:
    """CKAN's dependencias list, with each count computed once for the
    visitor (see :func:`visible_counts`) instead of core's counts, which
    include private, draft and microsite records."""
    from ckan.views.group import index as core_index

    visible_counts()
    return core_index("organization", True)


@blueprint.route("/group/", strict_slashes=False)
def group_index() -> str:
    from ckan.views.group import index as core_index

    visible_counts()
    return core_index("group", False)
