"""Data of the microsite sections (and the page cache the home page shares).

Each page is computed from ONE ``package_search`` (facets + rows), run as an
anonymous user (so only public, active content is ever cached) and cached in
Redis. Any dataset change bumps a generation counter, which invalidates every
cached page at once (see ``invalidate``). Nothing here runs a query per row.
"""
from __future__ import annotations

import json
import logging
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach import config, values
from ckanext.sach.cache import Namespace

log = logging.getLogger(__name__)

MICROSITE_TYPES = ("informacion_util", "plan_publicacion", "actividad_escolar", "texto_micrositio")
SECTION_ROWS = 1000


#: the pages' cache (JSON; dates as text)
PAGES = Namespace("cache", json_default=str)


def invalidate() -> None:
    """Drop every cached page (called after any dataset create/update/delete)."""
    PAGES.bump()


def cached(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` cached in Redis under ``name`` for the configured time;
    computed directly when the cache is disabled or Redis is unreachable."""
    return PAGES.get_or_compute(name, compute, config.home_cache_seconds())


def public_search(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_search`` as an anonymous visitor: public, active datasets only (what may be cached)."""
    context: Any = {"ignore_auth": True, "user": ""}
    data_dict.setdefault("include_private", False)
    data_dict.setdefault("include_drafts", False)
    return tk.get_action("package_search")(context, data_dict)


def dataset_brief(pkg: dict[str, Any]) -> dict[str, Any]:
    """What a dataset card shows (``sach/snippets/dataset_brief.html``), small enough to cache."""
    org = pkg.get("organization") or {}
    return {
        "name": pkg["name"],
        "title": pkg.get("title") or pkg["name"],
        "notes": (pkg.get("notes") or "")[:400],
        "organization": org.get("title") or "",
        "metadata_modified": pkg.get("metadata_modified"),
        "modified": pkg.get("modified"),
        "metadata_created": pkg.get("metadata_created"),
        "formats": sorted({(r.get("format") or "").upper() for r in pkg.get("resources", []) if r.get("format")}),
        "num_resources": pkg.get("num_resources", len(pkg.get("resources", []))),
    }


def _section(dataset_type: str, sort: str) -> list[dict[str, Any]]:
    search = public_search({
        "q": "*:*",
        "fq": f"+dataset_type:{dataset_type}",
        "rows": SECTION_ROWS,
        "sort": sort,
    })
    return search["results"]


def texts(section: str) -> list[dict[str, Any]]:
    """Officer-written texts of one microsite section, in their order."""

    def compute() -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for pkg in _section("texto_micrositio", "name asc"):
            found.setdefault(pkg.get("section") or "", []).append({
                "name": pkg["name"],
                "title": pkg.get("title"),
                "notes": pkg.get("notes") or "",
                "notes_html": _markdown(pkg.get("notes")),
                "title_en": pkg.get("title_en") or "",
                "notes_en_html": _markdown(pkg.get("notes_en")) if pkg.get("notes_en") else "",
                "position": _int(pkg.get("position")),
                "resources": [_resource(r) for r in pkg.get("resources", [])],
            })
        for items in found.values():
            items.sort(key=lambda t: (t["position"], t["title"] or ""))
        return found

    return cached("texts", compute).get(section, [])


def _markdown(text: Any) -> str:
    """Sanitised HTML of an officer's Markdown, rendered once per cache fill."""
    return str(tk.h.render_markdown(text or ""))


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _resource(res: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": res.get("id"),
        "name": res.get("name") or res.get("url"),
        "url": res.get("url"),
        "format": (res.get("format") or "").upper(),
        "description": res.get("description") or "",
    }


def _audiences(value: Any) -> list[str]:
    return [str(v) for v in values.as_list(value, keep_bad_json=False)]


def informacion_util() -> list[dict[str, Any]]:
    """Every public plain-language card, newest first."""

    def compute() -> list[dict[str, Any]]:
        cards = []
        for pkg in _section("informacion_util", "metadata_modified desc"):
            org = pkg.get("organization") or {}
            cards.append({
                "name": pkg["name"],
                "title": pkg.get("title"),
                "notes": pkg.get("notes") or "",
                "organization": org.get("title") or "",
                "organization_name": org.get("name") or "",
                "notes_html": _markdown(pkg.get("notes")),
                "topic": pkg.get("topic") or "",
                "audience": _audiences(pkg.get("audience")),
                "date": pkg.get("info_date") or "",
                "related_datasets": values.split_names(pkg.get("related_datasets")),
                "related_links": [
                    link for link in (pkg.get("related_links") or []) if isinstance(link, dict)
                ],
                "resources": [_resource(r) for r in pkg.get("resources", [])],
            })
        cards.sort(key=lambda c: c["date"] or "", reverse=True)
        return cards

    return cached("informacion_util", compute)


def filter_cards(
    cards: list[dict[str, Any]], topic: str | None, audience: str | None
) -> tuple[list[dict[str, Any]], dict[str, Counter[str]]]:
    """Cards matching the filters, and counts per topic/audience among the
    cards that match the *other* filter (so each count tells what a click gives)."""
    topic_counts: Counter[str] = Counter()
    audience_counts: Counter[str] = Counter()
    for card in cards:
        if not audience or audience in card["audience"]:
            topic_counts[card["topic"]] += 1
        if not topic or card["topic"] == topic:
            audience_counts.update(card["audience"])
    selected = [
        c for c in cards
        if (not topic or c["topic"] == topic) and (not audience or audience in c["audience"])
    ]
    return selected, {"topic": topic_counts, "audience": audience_counts}


def publication_plan() -> dict[str, Any]:
    """Planned datasets grouped by dependencia with progress figures."""

    def compute() -> dict[str, Any]:
        per_org: OrderedDict[str, dict[str, Any]] = OrderedDict()
        for pkg in _section("plan_publicacion", "name asc"):
            org = pkg.get("organization") or {}
            key = org.get("name") or ""
            entry = per_org.setdefault(key, {
                "organization": org.get("title") or key,
                "organization_name": key,
                "entries": [],
                "counts": {"publicado": 0, "en_preparacion": 0, "no_publicable": 0},
            })
            status = pkg.get("plan_status") or "en_preparacion"
            entry["entries"].append({
                "name": pkg["name"],
                "title": pkg.get("title"),
                "notes": pkg.get("notes") or "",
                "target_date": pkg.get("target_date") or "",
                "status": status,
                "reason": pkg.get("reason") or "",
                "published_dataset": next(iter(values.split_names(pkg.get("published_dataset"))), None),
            })
            if status in entry["counts"]:
                entry["counts"][status] += 1
        totals = {"publicado": 0, "en_preparacion": 0, "no_publicable": 0, "total": 0}
        for entry in per_org.values():
            entry["entries"].sort(key=lambda i: (i["target_date"] or "9999", i["title"] or ""))
            counts = entry["counts"]
            entry["total"] = sum(counts.values())
            publishable = entry["total"] - counts["no_publicable"]
            entry["progress"] = round(100 * counts["publicado"] / publishable) if publishable else 100
            for k in ("publicado", "en_preparacion", "no_publicable"):
                totals[k] += counts[k]
            totals["total"] += entry["total"]
        publishable = totals["total"] - totals["no_publicable"]
        totals["progress"] = round(100 * totals["publicado"] / publishable) if publishable else 0
        orgs = sorted(per_org.values(), key=lambda e: e["organization"])
        return {"organizations": orgs, "totals": totals}

    return cached("publication_plan", compute)


def ayuntamiento_abierto() -> dict[str, Any]:
    """Schools campaign activities, the Semana programme, materials and the
    datasets that publish the results (their titles from one search)."""

    def compute() -> dict[str, Any]:
        campaign: list[dict[str, Any]] = []
        week: list[dict[str, Any]] = []
        materials: list[dict[str, Any]] = []
        result_names: list[str] = []
        for pkg in _section("actividad_escolar", "name asc"):
            item = {
                "name": pkg["name"],
                "title": pkg.get("title"),
                "notes": pkg.get("notes") or "",
                "school": pkg.get("school") or "",
                "level": pkg.get("school_level") or "",
                "date": pkg.get("activity_date") or "",
                "topic": pkg.get("activity_topic") or "",
                "participants": _int(pkg.get("participants")),
                "result_datasets": values.split_names(pkg.get("result_datasets")),
            }
            (week if pkg.get("activity_kind") == "semana" else campaign).append(item)
            for res in pkg.get("resources", []):
                materials.append(dict(_resource(res), activity=pkg.get("title")))
            result_names.extend(n for n in item["result_datasets"] if n not in result_names)
        campaign.sort(key=lambda i: i["date"])
        week.sort(key=lambda i: i["date"])
        results = []
        if result_names:
            names = " OR ".join(json.dumps(n) for n in result_names[:100])
            found = public_search({
                "q": "*:*",
                "fq": f"+dataset_type:dataset +name:({names})",
                "rows": len(result_names[:100]),
            })["results"]
            results = [dataset_brief(p) for p in found]
        return {
            "campaign": campaign,
            "week": week,
            "materials": materials,
            "results": results,
            "figures": {
                "activities": len(campaign) + len(week),
                "schools": len({i["school"] for i in campaign + week if i["school"]}),
                "participants": sum(i["participants"] for i in campaign + week),
            },
        }

    return cached("ayuntamiento_abierto", compute)
