"""The per-dependencia quality report (``/calidad`` and ``ckan sach check``) and the daily
reindex of datasets whose freshness changed since they were indexed."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.sach import dates

from . import scoring
from .helpers import FRESHNESS_LABELS


def iter_datasets(context: Context, fq: str = "", rows: int = 500) -> Any:
    """All datasets visible to ``context`` (private ones included), page by page."""
    start = 0
    while True:
        result = tk.get_action("package_search")(context.copy(), {
            "q": "*:*", "fq": ("+dataset_type:dataset " + fq).strip(), "rows": rows, "start": start,
            "include_private": True, "sort": "name asc",
        })
        yield from result["results"]
        start += rows
        if start >= result["count"]:
            break


def _undocumented(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Loaded tables' columns without a description in the data dictionary (DataStore only)."""
    from ckan.plugins import plugin_loaded

    if not plugin_loaded("sach_datastore"):
        return []
    from ckanext.sach.datastore import dictionary

    return dictionary.undocumented_columns(pkg)


def report(datasets: Any, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Per dependencia: counts and per-dataset facts, sorted by dependencia title."""
    on = on or dates.today()
    from ckanext.sach.privacy import model as pmodel

    rows = list(datasets)
    blocked = pmodel.blocked_packages([d["id"] for d in rows]) if rows and _privacy_tables() else set()
    orgs: dict[str, dict[str, Any]] = {}
    for pkg in rows:
        org = pkg.get("organization") or {}
        key = org.get("name") or ""
        entry = orgs.setdefault(key, {
            "name": key, "title": org.get("title") or tk._("Sin dependencia"), "datasets": [],
            "freshness": defaultdict(int), "stars": defaultdict(int), "without_dictionary": 0,
            "privacy_blocked": 0, "completeness_sum": 0,
        })
        facts = scoring.summary(pkg, on)
        facts.update(name=pkg["name"], title=pkg.get("title") or pkg["name"], private=pkg.get("private"),
                     privacy_blocked=pkg["id"] in blocked, undocumented_columns=_undocumented(pkg))
        entry["datasets"].append(facts)
        entry["freshness"][facts["freshness"]] += 1
        entry["stars"][facts["openness_stars"]] += 1
        entry["without_dictionary"] += 0 if facts["has_dictionary"] else 1
        entry["privacy_blocked"] += 1 if facts["privacy_blocked"] else 0
        entry["completeness_sum"] += facts["completeness"]
    out = []
    for entry in sorted(orgs.values(), key=lambda e: e["title"].lower()):
        n = len(entry["datasets"])
        entry["count"] = n
        entry["completeness_avg"] = round(entry.pop("completeness_sum") / n) if n else 0
        entry["freshness"] = dict(entry["freshness"])
        entry["stars"] = dict(entry["stars"])
        out.append(entry)
    return out


def _privacy_tables() -> bool:
    from ckanext.sach.privacy import model as pmodel

    return pmodel.tables_exist()


def format_report(entries: list[dict[str, Any]]) -> str:
    """Plain-text report printed by ``ckan sach check``."""
    lines: list[str] = []
    for e in entries:
        fr = e["freshness"]
        lines.append(f"== {e['title']} ({e['name'] or '-'}): {e['count']} conjuntos")
        lines.append(
            f"   completitud media {e['completeness_avg']}% | al día {fr.get('current', 0)}, "
            f"por actualizar {fr.get('due', 0)}, desactualizados {fr.get('overdue', 0)}, "
            f"sin periodicidad {fr.get('not_applicable', 0)}, sin fecha {fr.get('unknown', 0)} | "
            f"sin diccionario {e['without_dictionary']} | datos personales sin revisar {e['privacy_blocked']}")
        for d in e["datasets"]:
            problems = []
            if d["freshness"] in ("due", "overdue", "unknown"):
                problems.append(FRESHNESS_LABELS[d["freshness"]].lower()
                                + (f" (tocaba {d['due']})" if d["due"] else ""))
            if d["missing"]:
                problems.append("falta: " + ", ".join(d["missing"]))
            if not d["has_dictionary"]:
                problems.append("sin diccionario de datos")
            if d["privacy_blocked"]:
                problems.append("datos personales sin revisar")
            stars = "★" * d["openness_stars"] or "-"
            status = "; ".join(problems) if problems else "ok"
            lines.append(f"   - {d['name']}: {d['completeness']}% {stars} {status}")
    return "\n".join(lines) if lines else "Sin conjuntos de datos."


def indexed_freshness(context: Context, fq: str = "") -> dict[str, str]:
    """Dataset id -> freshness as stored in the search index (one search per state)."""
    found: dict[str, str] = {}
    for state in scoring.FRESHNESS_STATES:
        start = 0
        while True:
            result = tk.get_action("package_search")(context.copy(), {
                "q": "*:*", "fq": f"+dataset_type:dataset +freshness:{state} {fq}".strip(),
                "fl": "id", "rows": 1000, "start": start, "include_private": True,
            })
            for row in result["results"]:
                found[row["id"]] = state
            start += 1000
            if start >= result["count"]:
                break
    return found


def reindex_stale(context: Context, datasets: list[dict[str, Any]], fq: str = "",
                  on: dt.date | None = None) -> int:
    """Reindex datasets whose indexed freshness is not today's (for a daily cron)."""
    from ckan.lib.search import rebuild

    on = on or dates.today()
    indexed = indexed_freshness(context, fq)
    stale = [d["id"] for d in datasets
             if indexed.get(d["id"]) != scoring.freshness(d.get("modified"), d.get("frequency"), on)]
    for pkg_id in stale:
        rebuild(pkg_id)
    return len(stale)
