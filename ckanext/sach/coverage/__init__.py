"""Coverage of the LGTAIP transparency obligations by published open data.

Which obligations of vocabulary ``obligations`` (one numbering version at a
time, vocabulary ``obligation_versions``) have at least one public dataset,
and by which dependencia. Computed from ONE faceted ``package_search`` over
public, active datasets: facets ``obligation``, ``organization`` and
``obligation_org`` (``<organization name>|<obligation>``, indexed by
:func:`index_fields`), never a query per obligation or per dependencia.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach import vocab

__all__ = ["coverage", "index_fields"]

SEP = "|"
FACET_LIMIT = 100000


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add ``obligation_org`` after the schema's indexing added ``obligation``."""
    if pkg_dict.get("type") != "dataset":
        return pkg_dict
    org = pkg_dict.get("organization")
    obligations = pkg_dict.get("obligation") or []
    if org and obligations:
        pkg_dict["obligation_org"] = [f"{org}{SEP}{o}" for o in obligations]
    return pkg_dict


def default_version() -> str:
    versions = vocab.items("obligation_versions")
    firm = [v for v in versions if not v.get("provisional")]
    return (firm or versions)[-1]["value"]


def coverage(version: str | None = None) -> dict[str, Any]:
    """Figures of the coverage page and of ``sach_obligation_coverage``."""
    versions = vocab.items("obligation_versions")
    version = version or default_version()
    if version not in {v["value"] for v in versions}:
        raise tk.ValidationError({"version": [tk._("Versión de obligaciones desconocida.")]})
    # As an anonymous visitor: public, active datasets only.
    result = tk.get_action("package_search")({"user": "", "ignore_auth": True}, {
        "q": "*:*",
        "fq": "+dataset_type:dataset",
        "rows": 0,
        "include_private": False,
        "include_drafts": False,
        "facet": "true",
        "facet.field": ["obligation", "organization", "obligation_org"],
        "facet.limit": FACET_LIMIT,
        "facet.mincount": 1,
    })
    facets = result.get("facets") or {}
    by_obligation = facets.get("obligation") or {}
    pairs = facets.get("obligation_org") or {}
    orgs_seen = facets.get("organization") or {}

    obligations = [o for o in vocab.items("obligations") if o.get("version") == version]
    wanted = {o["value"] for o in obligations}
    per_org: dict[str, dict[str, int]] = {}
    for key, count in pairs.items():
        org, _, obligation = key.partition(SEP)
        if obligation in wanted:
            per_org.setdefault(org, {})[obligation] = count

    titles = _organization_titles(set(orgs_seen) | set(per_org))
    rows = []
    for o in obligations:
        rows.append({
            "value": o["value"],
            "article": o.get("article"),
            "fraction": o.get("fraction"),
            "label": vocab.label("obligations", o["value"]),
            "provisional": bool(o.get("provisional")),
            "datasets": int(by_obligation.get(o["value"], 0)),
            "dependencias": sorted(org for org, obls in per_org.items() if o["value"] in obls),
        })
    dependencias = []
    for org in sorted(set(orgs_seen) | set(per_org), key=lambda n: (titles.get(n) or n).lower()):
        covered = per_org.get(org, {})
        dependencias.append({
            "name": org,
            "title": titles.get(org, org),
            "datasets": int(orgs_seen.get(org, 0)),
            "obligations_covered": len(covered),
            "obligations": sorted(covered),
            "percent": round(100 * len(covered) / len(obligations), 1) if obligations else 0.0,
        })
    covered_total = sum(1 for r in rows if r["datasets"])
    version_item = vocab.get("obligation_versions", version) or {}
    return {
        "version": version,
        "version_label": vocab.label("obligation_versions", version),
        "provisional": bool(version_item.get("provisional")),
        "versions": [{"value": v["value"], "label": vocab.label("obligation_versions", v["value"])}
                     for v in versions],
        "total_obligations": len(obligations),
        "covered_obligations": covered_total,
        "percent": round(100 * covered_total / len(obligations), 1) if obligations else 0.0,
        "public_datasets": int(result.get("count", 0)),
        "obligations": rows,
        "dependencias": dependencias,
    }


def _organization_titles(names: set[str]) -> dict[str, str]:
    if not names:
        return {}
    from ckan import model

    rows = (model.Session.query(model.Group.name, model.Group.title)
            .filter(model.Group.name.in_(list(names)), model.Group.is_organization.is_(True)).all())
    return {name: title or name for name, title in rows}
