"""The aggregator side of tests/dcat/test_harvest.py, run as its own process with its own ini
(a second CKAN database with ckanext-harvest and ckanext-dcat's ``dcat_rdf_harvester``).

    python tests/dcat/aggregator.py AGGR_INI setup SOURCE_URL   # organization + harvest source
    python tests/dcat/aggregator.py AGGR_INI dump               # harvested datasets as JSON
    python tests/dcat/aggregator.py AGGR_INI purge-deleted      # empty the trash (README advice)
"""
from __future__ import annotations

import json
import sys
from typing import Any


def _context(tk: Any) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def setup(tk: Any, url: str) -> None:
    ctx = _context(tk)
    try:
        tk.get_action("organization_show")(dict(ctx), {"id": "agregador"})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(dict(ctx), {"name": "agregador", "title": "Agregador"})
    try:
        tk.get_action("harvest_source_show")(dict(ctx), {"id": "sach"})
    except tk.ObjectNotFound:
        tk.get_action("harvest_source_create")(dict(ctx), {
            "name": "sach", "title": "San Andrés Cholula", "url": url, "source_type": "dcat_rdf",
            "owner_org": "agregador", "frequency": "MANUAL", "active": True})
    print("ok")


def dump(tk: Any) -> None:
    ctx = _context(tk)
    from ckan import model

    out = []
    for pkg in model.Session.query(model.Package).filter(model.Package.type == "dataset",
                                                         model.Package.state == "active"):
        data = tk.get_action("package_show")(dict(ctx), {"id": pkg.id})
        extras = {e["key"]: e["value"] for e in data.get("extras") or []}
        out.append({
            "title": data["title"],
            "formats": sorted((r.get("format") or "") for r in data.get("resources") or []),
            "contact": [extras.get("contact_name"), extras.get("contact_email")],
            "temporal": [extras.get("temporal_start"), extras.get("temporal_end")],
            "spatial": extras.get("spatial_uri") or extras.get("spatial_text"),
            "issued": extras.get("issued"),
            "private": data.get("private"),
        })
    print(json.dumps(sorted(out, key=lambda d: d["title"]), ensure_ascii=False))


def purge_deleted(tk: Any) -> None:
    """What the README tells an aggregator on CKAN 2.12 with ckanext-dcat 2.4.4 to do before
    harvesting again: purge the copies its harvester deleted (that harvester finds a deleted
    copy by guid and then fails reading it, so a republished dataset would never come back)."""
    from ckan import model

    ctx = _context(tk)
    ids = [p.id for p in model.Session.query(model.Package.id).filter(
        model.Package.type == "dataset", model.Package.state == "deleted")]
    for id_ in ids:
        tk.get_action("dataset_purge")(dict(ctx), {"id": id_})
    _reindex_source(tk)
    print(len(ids))


def _reindex_source(tk: Any) -> None:
    """Index the harvest source again from its validated dict.

    At the end of a job ckanext-harvest 1.6.3 (``harvest_source_reindex``) indexes the source from
    ``harvest_source_show(validate=False)``, so the index holds it without the schema's fields
    (``source_type`` stays an extra). CKAN 2.12's ``package_show`` serves the indexed dict when its
    ``metadata_modified`` matches, and the next ``harvester run-test`` fails on
    ``source["source_type"]``. This happens with any search backend that commits the reindex (Solr
    does); the harvester's own test command is what this test drives, so the aggregator's
    operator step is to reindex the source, as ``ckan search-index rebuild sach`` would."""
    from ckan.lib import search

    search.rebuild("sach")


def main() -> None:
    ini, command, *args = sys.argv[1:]
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    flask_app = getattr(app, "_wsgi_app", app)
    import ckan.plugins.toolkit as tk

    with flask_app.test_request_context():
        if command == "setup":
            setup(tk, args[0])
        elif command == "dump":
            dump(tk)
        elif command == "purge-deleted":
            purge_deleted(tk)
        else:
            raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
