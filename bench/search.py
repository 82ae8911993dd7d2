"""Benchmark of the `sach_pgsearch` PostgreSQL search backend.

Builds a catalogue of realistic Spanish datasets (default 10,000; 20 organizations, 12 groups,
tags, resource formats, extras) directly in the database, rebuilds the search index with CKAN's
own `search-index rebuild` code path and prints its throughput, then the latency of
`package_search` (the action, as an anonymous visitor) over N queries of three kinds:

  (a) free text + 6 facets, (b) fq filters + 6 facets, (c) `*:*` sorted by metadata_modified desc,
  (d) the same listing with the 6 facets (the catalogue page's first view).

It wipes the database it is given, so it refuses a database whose name lacks "bench":

    scripts/services.sh ensure-db ckan_sach_bench_search
    .venv/bin/python bench/search.py            # defaults below; --help for options

Speed is never asserted: the script prints figures (bench/RESULTS.md records them).
"""
from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgresql://ckan_sach:ckan_sach@127.0.0.1:54329/ckan_sach_bench_search"

ORGANIZATIONS = [
    "Presidencia Municipal", "Secretaría del Ayuntamiento", "Tesorería Municipal",
    "Contraloría Municipal", "Coordinación General de Transparencia",
    "Secretaría de Arte, Cultura y Turismo",
    "Secretaría de Desarrollo Económico y Sector Agropecuario", "Dirección de Protección Civil",
    "Sistema Municipal DIF", "Secretaría de Obras Públicas", "Secretaría de Seguridad Pública",
    "Secretaría de Medio Ambiente", "Dirección de Catastro", "Dirección de Servicios Públicos",
    "Dirección de Educación", "Dirección de Salud", "Instituto Municipal de la Mujer",
    "Instituto Municipal de la Juventud", "Dirección de Movilidad", "Dirección de Desarrollo Urbano",
]
GROUPS = [
    "Educación", "Economía", "Salud", "Seguridad y Justicia", "Infraestructura",
    "Finanzas y Contrataciones", "Geoespacial", "Energía y Medio Ambiente", "Cultura y Turismo",
    "Desarrollo Sostenible", "Gobiernos Locales", "Otros",
]
SUBJECTS = [
    "Presupuesto de egresos", "Ingresos municipales", "Padrón de proveedores", "Obras públicas",
    "Alumbrado público", "Recolección de residuos", "Atlas de riesgos", "Consultas médicas",
    "Licencias de funcionamiento", "Incidencia delictiva", "Rutas de transporte",
    "Mercados municipales", "Red de agua potable", "Predios catastrales", "Nómina",
    "Actas de cabildo", "Gaceta municipal", "Programas sociales", "Afluencia turística",
    "Eventos culturales", "Escuelas públicas", "Inspecciones de protección civil",
    "Apoyos agropecuarios", "Solicitudes de información", "Áreas verdes", "Bacheo de calles",
    "Accidentes viales", "Permisos de construcción", "Denuncias ciudadanas", "Becas escolares",
]
PLACES = [
    "San Antonio Cacalotepec", "San Bernardino Tlaxcalancingo", "San Francisco Acatepec",
    "San Luis Tehuiloyocan", "Santa María Tonantzintla", "San Rafael Comac",
    "Concepción Guadalupe", "Concepción La Cruz", "Lázaro Cárdenas", "Emiliano Zapata",
    "cabecera municipal",
]
PHRASES = [
    "Información pública útil publicada por el Ayuntamiento de San Andrés Cholula.",
    "Datos abiertos en formato reutilizable conforme a la Guía de Implementación.",
    "Incluye diccionario de datos y notas metodológicas.",
    "Registros actualizados por la dependencia responsable.",
    "Obligación de transparencia del artículo 70 de la LGTAIP.",
    "Cifras preliminares sujetas a revisión.",
    "Data published as open data for citizens and researchers.",
    "Cobertura por junta auxiliar e inspectoría.",
    "Montos en pesos mexicanos corrientes.",
    "Los datos personales fueron anonimizados antes de su apertura.",
]
TAGS = [
    "presupuesto", "finanzas", "transparencia", "obras", "salud", "educacion", "seguridad",
    "turismo", "cultura", "agua", "residuos", "movilidad", "catastro", "nomina", "cabildo",
    "gaceta", "programas-sociales", "becas", "proteccion-civil", "riesgos", "medio-ambiente",
    "areas-verdes", "alumbrado", "mercados", "comercio", "licencias", "agropecuario",
    "participacion", "denuncias", "vialidad", "infraestructura", "geografia", "poblacion",
    "mujeres", "juventud", "deporte", "inegi", "indicadores", "contrataciones", "proveedores",
]
FORMATS = ["CSV"] * 6 + ["XLSX"] * 3 + ["JSON"] * 2 + ["XML", "SHP", "GeoJSON", "KML", "PDF", "ZIP"]
LICENSES = ["cc-by", "cc-by-sa", "cc-zero", "odc-odbl", "other-open"]
FREQUENCIES = ["anual", "semestral", "trimestral", "mensual", "semanal", "irregular"]
FACETS = ["organization", "groups", "tags", "res_format", "license_id", "frecuencia"]
FREE_TEXT = [
    "presupuesto", "presupuestos 2023", "obras públicas", "agua potable", "consultas médicas",
    "PRESUPUESTÓ", "nómina", "becas escolares", "protección civil", "atlas de riesgos",
    "licencias", "Tonantzintla", "mercados municipales", "incidencia delictiva", "residuos",
    "open data", "cabildo actas", "alumbrado", "transparencia LGTAIP", "turismo cultura",
    "predios", "denuncias ciudadanas", "apoyos agropecuarios", "gaceta", "áreas verdes",
]


def slug(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())


def load_ckan(args: argparse.Namespace, plugins: str | None = None, **options: str) -> Any:
    """The Flask app of CKAN on the benchmark's own database (refused unless its name
    says ``bench``: the benchmarks wipe it). ``bench/pages.py`` uses it too."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    database = args.db.rsplit("/", 1)[-1]
    if "bench" not in database and not args.force:
        sys.exit(f"Refusing to wipe database {database!r}: its name must contain 'bench'")
    conf = load_config(str(args.ini))
    conf["sqlalchemy.url"] = args.db
    conf["ckan.redis.url"] = args.redis
    conf["ckan.plugins"] = plugins or args.plugins
    conf["ckan.storage_path"] = str(ROOT / ".local" / "bench-storage")
    conf.update(options)
    app = make_app(conf)
    return getattr(app, "_wsgi_app", app)


def build_catalogue(count: int, seed: int) -> None:
    import ckan.model as model
    from ckan.lib.search import clear_all

    from ckanext.sach.search import schema

    model.repo.rebuild_db()
    schema.ensure()
    clear_all()
    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # CKAN stores naive UTC
    engine = model.meta.engine
    groups, tags = [], {}
    with engine.begin() as connection:
        for title, is_org in [(t, True) for t in ORGANIZATIONS] + [(t, False) for t in GROUPS]:
            row = {
                "id": str(uuid.uuid4()), "name": slug(title), "title": title,
                "type": "organization" if is_org else "group", "is_organization": is_org,
                "state": "active", "approval_status": "approved", "created": now,
                "description": f"{title} de San Andrés Cholula",
            }
            connection.execute(model.group_table.insert(), [row])
            groups.append(row)
        for name in TAGS:
            tags[name] = str(uuid.uuid4())
        connection.execute(
            model.tag_table.insert(), [{"id": i, "name": n} for n, i in tags.items()]
        )
    orgs = [g for g in groups if g["is_organization"]]
    themes = [g for g in groups if not g["is_organization"]]
    batch: dict[str, list[dict[str, Any]]] = {"package": [], "resource": [], "tag": [], "member": []}

    def flush() -> None:
        with engine.begin() as connection:
            connection.execute(model.package_table.insert(), batch["package"])
            connection.execute(model.resource_table.insert(), batch["resource"])
            connection.execute(model.package_tag_table.insert(), batch["tag"])
            connection.execute(model.member_table.insert(), batch["member"])
        for rows in batch.values():
            rows.clear()

    for n in range(count):
        subject = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        year = rng.randint(2012, 2025)
        org = rng.choice(orgs)
        pid = str(uuid.uuid4())
        modified = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 5))
        batch["package"].append({
            "id": pid,
            "name": f"{slug(subject)}-{slug(place)}-{year}-{n}",
            "title": f"{subject} {year} — {place}",
            "notes": " ".join(rng.sample(PHRASES, 3)) + f" {subject} en {place}, {year}.",
            "owner_org": org["id"], "private": rng.random() < 0.05, "state": "active",
            "type": "dataset", "license_id": rng.choice(LICENSES),
            "metadata_created": modified - datetime.timedelta(days=rng.randint(0, 300)),
            "metadata_modified": modified, "author": org["title"],
            "maintainer": "Coordinación General de Transparencia",
            "extras": {
                "frecuencia": rng.choice(FREQUENCIES), "anio": str(year),
                "cobertura": place, "sector": rng.choice(GROUPS),
            },
        })
        for position in range(rng.randint(1, 4)):
            fmt = rng.choice(FORMATS)
            batch["resource"].append({
                "id": str(uuid.uuid4()), "package_id": pid, "position": position,
                "url": f"https://datos.sanandrescholula.gob.mx/{pid}/{position}.{fmt.lower()}",
                "format": fmt, "name": f"{subject} {year} ({fmt})",
                "description": rng.choice(PHRASES), "state": "active", "created": modified,
                "metadata_modified": modified, "extras": {},
            })
        for tag in rng.sample(TAGS, rng.randint(2, 6)):
            batch["tag"].append(
                {"id": str(uuid.uuid4()), "package_id": pid, "tag_id": tags[tag], "state": "active"}
            )
        for theme in rng.sample(themes, rng.randint(0, 2)):
            batch["member"].append({
                "id": str(uuid.uuid4()), "table_name": "package", "table_id": pid,
                "capacity": "public", "group_id": theme["id"], "state": "active",
            })
        if len(batch["package"]) >= 1000:
            flush()
    if batch["package"]:
        flush()


def rebuild_parallel(workers: int) -> float:
    """Index every dataset again with `workers` forked processes (CKAN's `rebuild-fast` way)."""
    import multiprocessing

    import ckan.model as model
    from ckan.lib import search

    ids = [row[0] for row in model.Session.query(model.Package.id).order_by(model.Package.id)]
    model.Session.remove()
    model.meta.engine.dispose()  # no connection may be shared across fork
    chunks = [ids[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    processes = [
        context.Process(target=search.rebuild, kwargs={"package_ids": chunk, "quiet": True,
                                                       "defer_commit": True})
        for chunk in chunks
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a rebuild process failed ({process.exitcode})")
    search.commit()
    return time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(name: str, runs: int, make_params: Callable[[random.Random], dict[str, Any]],
            seed: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    rng = random.Random(seed)
    package_search = tk.get_action("package_search")
    timings, hits = [], []
    for _ in range(5):  # warm caches and plans
        package_search({"user": ""}, make_params(rng))
    for _ in range(runs):
        params = make_params(rng)
        started = time.perf_counter()
        result = package_search({"user": ""}, params)
        timings.append((time.perf_counter() - started) * 1000)
        hits.append(result["count"])
    return {
        "query": name, "runs": runs, "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1), "max_ms": round(max(timings), 1),
        "mean_hits": round(statistics.mean(hits)),
    }


def free_text(rng: random.Random) -> dict[str, Any]:
    return free_text_params(rng.choice(FREE_TEXT))


def per_query(runs: int) -> dict[str, Any]:
    """{query: [median ms, hits]} over `runs` rounds of every FREE_TEXT query (after one warm-up
    round), each round through all the queries in turn."""
    import ckan.plugins.toolkit as tk

    package_search = tk.get_action("package_search")
    timings: dict[str, list[float]] = {q: [] for q in FREE_TEXT}
    hits: dict[str, int] = {}
    for round_ in range(runs + 1):
        for text in FREE_TEXT:
            started = time.perf_counter()
            hits[text] = package_search({"user": ""}, free_text_params(text))["count"]
            if round_:
                timings[text].append((time.perf_counter() - started) * 1000)
    return {q: [round(statistics.median(t), 1), hits[q]] for q, t in timings.items()}


def free_text_params(text: str) -> dict[str, Any]:
    return {"q": text, "facet.field": FACETS, "rows": 20}


def explain(params: dict[str, Any]) -> None:
    """Print the plan, with timings and buffers, of the search statement(s) that
    `package_search` runs for ``params`` (as an anonymous visitor)."""
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    session = model.Session()
    statements: list[tuple[Any, Any]] = []
    original = session.execute

    def capture(statement: Any, *more: Any, **kw: Any) -> Any:
        if "sach_search_doc AS d" in str(statement) and str(statement).lstrip().startswith(
                ("SELECT", "WITH")):
            statements.append((statement, more[0] if more else kw.get("params")))
        return original(statement, *more, **kw)

    session.execute = capture  # type: ignore[method-assign]
    try:
        result = tk.get_action("package_search")({"user": ""}, dict(params))
    finally:
        del session.execute
    print(f"== {params['q']!r}: {result['count']} hits", flush=True)
    for statement, parameters in statements:
        plan = original(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + statement.text), parameters)
        print("\n".join(row[0] for row in plan), flush=True)


def filters(rng: random.Random) -> dict[str, Any]:
    clauses = [
        f'organization:"{slug(rng.choice(ORGANIZATIONS))}"',
        f'res_format:"{rng.choice(FORMATS)}"',
        f'tags:"{rng.choice(TAGS)}"',
        f'groups:"{slug(rng.choice(GROUPS))}"',
        f'frecuencia:"{rng.choice(FREQUENCIES)}"',
        f'license_id:"{rng.choice(LICENSES)}"',
        "metadata_modified:[NOW-2YEARS TO *]",
    ]
    return {"fq": " ".join(rng.sample(clauses, rng.randint(1, 3))), "facet.field": FACETS,
            "rows": 20}


def all_sorted(rng: random.Random) -> dict[str, Any]:
    return {"q": "*:*", "sort": "metadata_modified desc", "rows": 20,
            "start": 20 * rng.randint(0, 10)}


def listing_with_facets(rng: random.Random) -> dict[str, Any]:
    """The catalogue page's first view: everything visible, newest first, with the facets."""
    return {"q": "*:*", "sort": "metadata_modified desc", "rows": 20, "facet.field": FACETS,
            "start": 20 * rng.randint(0, 10)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", type=Path, default=ROOT / "test.ini")
    parser.add_argument("--db", default=DEFAULT_DB, help="database to WIPE and fill")
    parser.add_argument("--redis", default="redis://127.0.0.1:63799/2")
    parser.add_argument("--plugins", default="sach_pgsearch")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel rebuild (1: skip it)")
    parser.add_argument("--force", action="store_true", help="allow a name without 'bench'")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the catalogue and index already in the database if it has "
                             "--datasets datasets indexed (measure the queries only)")
    parser.add_argument("--explain", metavar="Q", action="append", default=[],
                        help="with --reuse: print EXPLAIN (ANALYZE, BUFFERS) of the search SQL of "
                             "free text Q with the 6 facets (repeatable; '*:*' for the listing)")
    parser.add_argument("--per-query", type=int, metavar="N", default=0,
                        help="with --reuse: the median of N runs of every free-text query of (a) "
                             "with its hits, instead of the three mixes")
    args = parser.parse_args()

    flask_app = load_ckan(args)
    from ckan.lib import search

    with flask_app.test_request_context():
        if args.explain:
            for text in args.explain:
                explain(free_text_params(text) if text != "*:*" else
                        {"q": "*:*", "sort": "metadata_modified desc", "rows": 20})
            return
        if args.per_query:
            print(json.dumps(per_query(args.per_query)))
            return
        if args.reuse and _indexed_count() == args.datasets:
            print(f"reusing the {args.datasets} datasets already indexed", flush=True)
            report(args, measure_all(args), None, None)
            return
        started = time.perf_counter()
        build_catalogue(args.datasets, args.seed)
        built = time.perf_counter() - started
        print(f"catalogue: {args.datasets} datasets written in {built:.1f} s", flush=True)

        started = time.perf_counter()
        search.rebuild(quiet=True, defer_commit=True)
        search.commit()
        rebuild = time.perf_counter() - started
        print(f"rebuild (1 process, `ckan search-index rebuild`): {args.datasets} datasets in "
              f"{rebuild:.1f} s = {args.datasets / rebuild:.0f} datasets/s", flush=True)
        parallel = rebuild_parallel(args.workers) if args.workers > 1 else rebuild
        print(f"rebuild ({args.workers} processes, like `ckan search-index rebuild-fast`): "
              f"{args.datasets} datasets in {parallel:.1f} s = "
              f"{args.datasets / parallel:.0f} datasets/s", flush=True)
        report(args, measure_all(args), rebuild, parallel)


def _indexed_count() -> int:
    import sqlalchemy as sa

    import ckan.model as model

    try:
        return int(model.Session.execute(sa.text("SELECT count(*) FROM sach_search_doc")).scalar())
    except sa.exc.DBAPIError:
        model.Session.rollback()
        return -1


def measure_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    return [
        measure("(a) free text + 6 facets", args.queries, free_text, args.seed),
        measure("(b) fq filters + 6 facets", args.queries, filters, args.seed + 1),
        measure("(c) *:* sort metadata_modified desc", args.queries, all_sorted, args.seed + 2),
        measure("(d) *:* newest first + 6 facets", args.queries, listing_with_facets,
                args.seed + 3),
    ]


def report(args: argparse.Namespace, results: list[dict[str, Any]], rebuild: float | None,
           parallel: float | None) -> None:
    indexed = _indexed_count()
    print(f"{'query':40} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits':>7}")
    for r in results:
        print(f"{r['query']:40} {r['runs']:>5} {r['p50_ms']:>8} {r['p95_ms']:>8} "
              f"{r['max_ms']:>8} {r['mean_hits']:>7}")
    print(json.dumps({"datasets": args.datasets,
                      "rebuild_s": round(rebuild, 1) if rebuild else None,
                      "rebuild_per_s": round(args.datasets / rebuild) if rebuild else None,
                      "parallel_rebuild_per_s": round(args.datasets / parallel) if parallel else None,
                      "indexed": indexed,
                      "queries": results}))


if __name__ == "__main__":
    main()
