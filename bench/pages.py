"""Benchmark of the public pages: home, dataset search, dataset page and every
page of the /gobierno-abierto microsite, over a catalogue of 10,000 datasets.

Server time only: each request goes through CKAN's full WSGI stack in process
(Flask test client: routing, auth, views, the `sach_pgsearch` backend, Jinja
templates), with no network or browser. The catalogue is written straight into
the database by `bench/search.py`'s builder and indexed with CKAN's rebuild
code; the microsite content (cards, plan, activities, texts) and 200
participation requests are created through the real actions.

The home page and the microsite sections are served from the Redis cache
(one faceted `package_search` per cache fill); the script also measures them
with the cache dropped before every request ("cold").

It wipes the database it is given, so it refuses a database whose name lacks "bench":

    scripts/services.sh ensure-db ckan_sach_bench_pages
    .venv/bin/python bench/pages.py            # --help for options

Speed is never asserted: the script prints figures (bench/RESULTS.md records them).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgresql://ckan_sach:ckan_sach@127.0.0.1:54329/ckan_sach_bench_pages"
PLUGINS = "sach_pgsearch scheming_datasets scheming_organizations dcat sach activity"
SEARCH_TERMS = ["presupuesto", "obras públicas", "agua potable", "licencias", "Tonantzintla",
                "becas escolares", "protección civil", "nómina", "mercados municipales"]


def _search_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_ckan(args: argparse.Namespace) -> Any:
    return _search_bench().load_ckan(args, plugins=PLUGINS, **{"ckan.site_url": "http://127.0.0.1:5000"})


def migrate() -> None:
    from ckan.cli.db import _run_migrations

    _run_migrations("activity")
    _run_migrations("sach")


def microsite_content(rng: random.Random) -> None:
    """Cards, plan entries and activities spread over the dependencias, as officers would write."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.sach import vocab
    from ckanext.sach.microsite.helpers import sach_microsite_topic_choices
    from ckanext.sach.microsite.model import Request

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    ctx = {"user": site["name"], "ignore_auth": True}
    orgs = list(model.Session.query(model.Group).filter_by(is_organization=True, state="active"))
    names = [r[0] for r in model.Session.query(model.Package.name)
             .filter_by(type="dataset", private=False).limit(500)]
    topics = [c["value"] for c in sach_microsite_topic_choices()]
    audiences = vocab.values("audiences")
    for i in range(60):
        tk.get_action("package_create")(dict(ctx), {
            "type": "informacion_util", "name": f"ficha-{i}", "title": f"Ficha de información útil {i}",
            "notes": "Qué es, para quién y dónde consultarlo, en lenguaje claro.",
            "owner_org": rng.choice(orgs).id, "topic": rng.choice(topics),
            "audience": rng.sample(audiences, 2), "info_date": f"2025-{1 + i % 12:02d}-15",
            "related_datasets": " ".join(rng.sample(names, 2)),
            "related_links": [{"label": "Más información", "url": "https://sach.gob.mx"}],
        })
    for i in range(120):
        status = rng.choice(["publicado", "en_preparacion", "no_publicable"])
        tk.get_action("package_create")(dict(ctx), {
            "type": "plan_publicacion", "name": f"plan-{i}", "title": f"Conjunto planeado {i}",
            "owner_org": orgs[i % len(orgs)].id, "target_date": f"2025-{1 + i % 12:02d}-28",
            "plan_status": status,
            "reason": "Contiene datos personales." if status == "no_publicable" else "",
            "published_dataset": rng.choice(names) if status == "publicado" else "",
        })
    for i in range(40):
        tk.get_action("package_create")(dict(ctx), {
            "type": "actividad_escolar", "name": f"actividad-{i}", "title": f"Actividad escolar {i}",
            "owner_org": orgs[0].id, "activity_kind": "semana" if i % 5 == 0 else "campana",
            "school": f"Escuela {i % 15}", "school_level": rng.choice(["secundaria", "bachillerato"]),
            "activity_date": f"2025-{1 + i % 12:02d}-10", "activity_topic": "Gobierno abierto",
            "participants": rng.randint(10, 80), "result_datasets": rng.choice(names),
            "resources": [{"name": f"Material {i}", "url": f"https://sach.gob.mx/material-{i}.pdf",
                           "format": "PDF"}],
        })
    for section in ("gobierno_abierto", "informacion_util", "datos_abiertos",
                    "ayuntamiento_abierto", "participacion"):
        tk.get_action("package_create")(dict(ctx), {
            "type": "texto_micrositio", "name": f"texto-{section.replace('_', '-')}",
            "title": f"Texto de {section}", "notes": "**Texto** de la sección.",
            "owner_org": orgs[0].id, "section": section, "position": 1,
        })
    model.Session.add_all([
        Request(kind="dataset", title=f"Solicitud {i}", body="Solicito estos datos.",
                requester_name="Bench", requester_email="bench@example.com",
                status=rng.choice(["new", "in_progress", "answered"]), answer="Respuesta.")
        for i in range(200)
    ])
    model.Session.commit()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(client: Any, name: str, urls: Callable[[random.Random], str], runs: int, seed: int,
            before: Callable[[], None] | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    for _ in range(3):  # warm-up: templates compiled, plans cached
        response = client.get(urls(rng))
        assert response.status_code == 200, (name, response.status_code)
    timings = []
    for _ in range(runs):
        url = urls(rng)
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"page": name, "runs": runs, "p50_ms": round(percentile(timings, 50), 1),
            "p95_ms": round(percentile(timings, 95), 1), "max_ms": round(max(timings), 1),
            "mean_ms": round(statistics.mean(timings), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", type=Path, default=ROOT / "test.ini")
    parser.add_argument("--db", default=DEFAULT_DB, help="database to WIPE and fill")
    parser.add_argument("--redis", default="redis://127.0.0.1:63799/6")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100, help="requests per page")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2, help="processes of the index rebuild")
    parser.add_argument("--force", action="store_true", help="allow a name without 'bench'")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the catalogue a previous run left (no wipe, no build)")
    args = parser.parse_args()

    flask_app = load_ckan(args)
    search_bench = _search_bench()
    import sqlalchemy as sa

    import ckan.model as model
    from ckan.lib import search

    from ckanext.sach.microsite import content

    with flask_app.test_request_context():
        if not args.reuse:
            started = time.perf_counter()
            search_bench.build_catalogue(args.datasets, args.seed)
            migrate()
            print(f"catalogue: {args.datasets} datasets written in {time.perf_counter() - started:.1f} s",
                  flush=True)
            started = time.perf_counter()
            search_bench.rebuild_parallel(args.workers)
            print(f"index rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            microsite_content(random.Random(args.seed))
            print(f"microsite content created in {time.perf_counter() - started:.1f} s", flush=True)
        public = model.Session.execute(sa.text(
            "SELECT name FROM package WHERE type = 'dataset' AND state = 'active' AND NOT private "
            "ORDER BY name")).scalars().all()
        orgs = model.Session.execute(sa.text(
            "SELECT name FROM \"group\" WHERE is_organization AND state = 'active'")).scalars().all()
        search.commit()
        model.Session.remove()

    client = flask_app.test_client()
    page = lambda url: (lambda rng: url)  # noqa: E731
    pages: list[tuple[str, Callable[[random.Random], str]]] = [
        ("home /", page("/")),
        ("search /dataset/", page("/dataset/")),
        ("search /dataset/?q=…", lambda rng: f"/dataset/?q={rng.choice(SEARCH_TERMS)}"),
        ("search /dataset/?organization=…", lambda rng: f"/dataset/?organization={rng.choice(orgs)}"),
        ("dataset /dataset/<name>", lambda rng: f"/dataset/{rng.choice(public)}"),
        ("/gobierno-abierto/", page("/gobierno-abierto/")),
        ("/gobierno-abierto/informacion-util", page("/gobierno-abierto/informacion-util")),
        ("/gobierno-abierto/informacion-util?tema=…",
         lambda rng: "/gobierno-abierto/informacion-util?tema=finanzas-publicas&publico=ciudadania"),
        ("/gobierno-abierto/datos-abiertos", page("/gobierno-abierto/datos-abiertos")),
        ("/gobierno-abierto/ayuntamiento-abierto", page("/gobierno-abierto/ayuntamiento-abierto")),
        ("/gobierno-abierto/participacion", page("/gobierno-abierto/participacion")),
    ]
    results = [measure(client, name, urls, args.runs, args.seed + i) for i, (name, urls) in enumerate(pages)]

    def drop_cache() -> None:
        with flask_app.app_context():
            content.invalidate()

    cold = [
        ("home / (cache dropped)", page("/")),
        ("/gobierno-abierto/datos-abiertos (cache dropped)", page("/gobierno-abierto/datos-abiertos")),
        ("/gobierno-abierto/ayuntamiento-abierto (cache dropped)",
         page("/gobierno-abierto/ayuntamiento-abierto")),
        ("/gobierno-abierto/informacion-util (cache dropped)", page("/gobierno-abierto/informacion-util")),
    ]
    results += [measure(client, name, urls, max(20, args.runs // 4), args.seed, before=drop_cache)
                for name, urls in cold]

    print(f"\n{'page':56} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for r in results:
        print(f"{r['page']:56} {r['runs']:>5} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}")
    print(json.dumps({"datasets": len(public), "pages": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
