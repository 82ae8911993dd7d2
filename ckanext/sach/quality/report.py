"""Quality in CKAN: index keys, labels, helpers and the per-dependencia report.

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
from collections import defaultdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.sach import dates

from . import scoring

__all__ = ["sach_freshness_label", "sach_quality", "sach_quality_missing_label"]

FRESHNESS_LABELS = {
    "current": "Al día",
    "due": "Por actualizar",
    "overdue": "Desactualizado",
    "not_applicable": "Sin periodicidad",
    "unknown": "Sin fecha o frecuencia",
}
MISSING_LABELS = {
    "identifier": "Identificador",
    "title": "Título",
    "notes": "Descripción",
    "modified": "Fecha de actualización",
    "contact.name": "Nombre del contacto",
    "contact.email": "Correo del contacto",
    "landing_page": "Página de documentación o diccionario de datos",
    "frequency": "Frecuencia de actualización",
    "resources": "Al menos un recurso",
}
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


# --- helpers ---------------------------------------------------------------
def sach_quality(pkg: dict[str, Any]) -> dict[str, Any]:
    """Quality facts of a dataset dict for templates (no queries)."""
    facts = scoring.summary(pkg, dates.today())
    facts["freshness_label"] = sach_freshness_label(facts["freshness"])
    facts["missing_labels"] = [sach_quality_missing_label(m) for m in facts["missing"]]
    return facts


def sach_freshness_label(state: str) -> str:
    return tk._(FRESHNESS_LABELS.get(state, state))


def sach_quality_missing_label(check: str) -> str:
    if check in MISSING_LABELS:
        return tk._(MISSING_LABELS[check])
    if check.startswith("resources["):
        pos, _, field = check[len("resources["):].partition("].")
        names = {"name": tk._("nombre"), "url": tk._("URL"), "format": tk._("formato")}
        return tk._("Recurso {n}: {field}").format(n=pos, field=names.get(field, field))
    return check


# --- report ----------------------------------------------------------------
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
