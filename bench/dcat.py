"""Benchmark: DCAT Turtle of the same catalogue through stock ckanext-dcat and through this site.

    scripts/services.sh ensure-db ckan_sach_bench_dcat
    cat > .local/bench-dcat.ini <<EOF
    [app:main]
    use = config:/work/main/test.ini
    sqlalchemy.url = postgresql://ckan_sach:ckan_sach@127.0.0.1:54329/ckan_sach_bench_dcat
    ckan.redis.url = redis://127.0.0.1:63799/5
    ckan.storage_path = /work/main/.local/storage-bench-dcat
    EOF
    .venv/bin/ckan -c .local/bench-dcat.ini db upgrade
    .venv/bin/python bench/dcat.py --ini .local/bench-dcat.ini

The first run creates 1,000 public datasets with 3 resources each (every field of the
municipal schema filled) through ``package_create``; later runs reuse them.

Measured, in one process and on the same data:

- stock: ckanext-dcat's ``dcat_catalog_show`` action (what its ``/catalog.ttl`` view calls)
  with the stock ``euro_dcat_ap_3`` profile: the full catalogue (``datasets_per_page`` =
  1000, one page) and a 100-dataset page;
- site: this site's endpoints through the WSGI app, ``/catalog/full.ttl`` and
  ``/catalog.ttl?page_size=100``, with a cold cache (Redis entries removed first) and warm.

With ``--only walk``: full walks of ``/catalog.ttl?page_size=100`` (following
``hydra:next``) (i) right after 10 % of the datasets were edited and their write-through
jobs ran (real RQ SimpleWorker, burst), (ii) right after a settings change (a dependencia
renamed) before its rebuild job ran — the previous entries are served — and after it ran;
against the walk of stock ckanext-dcat's paged ``dcat_catalog_show`` (100 per page) on the
same data in the same run. Add ``ckan.site_id = dcat_bench`` (own job queue) and
``ckanext.sach.privacy.enabled = false`` to the bench ini.

With ``--only writer [--graphs 100]``: the Turtle writers alone on the same dataset graphs (built by
the site profile as on a cold page), interleaved round by round — the site's ``turtle.py`` against
oxrdflib's ``ox-turtle`` (when installed) and rdflib's own serializer; ``--repeat`` rounds.

With ``--only page`` (or by default) it also prints the *floor* of a cold page: the
time the stock profile's own code takes to build the page's 100 dataset graphs, which the
site's profile (a subclass) cannot avoid.

Times are the median of ``--repeat`` runs; peak memory is tracemalloc's peak of Python
allocations during one run (separate run, tracemalloc slows everything). The site's streamed
body is consumed chunk by chunk, as a client socket would.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

PREFIX = "bench-dcat-"


def _app(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(ini))


def ensure_datasets(n: int) -> int:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.sach import seed, vocab

    have = model.Session.query(model.Package).filter(
        model.Package.name.like(PREFIX + "%"), model.Package.state == "active").count()
    if have >= n:
        return have
    seed.run()
    context = seed.site_context()
    orgs = [o["value"] for o in vocab.items("dependencias")]
    themes = [t["value"] for t in vocab.items("themes")]
    sectors = [s["value"] for s in vocab.items("sectors")]
    freqs = [f["value"] for f in vocab.items("frequencies")]
    places = [p["value"] for p in vocab.items("places")]
    obligations = [o["value"] for o in vocab.items("obligations") if not o.get("provisional")]
    for i in range(have, n):
        name = f"{PREFIX}{i:04d}"
        year = 2015 + i % 10
        tk.get_action("package_create")(dict(context), {
            "name": name,
            "title": f"Conjunto de datos de prueba {i:04d} ({year})",
            "notes": f"Datos de ejemplo para medir el rendimiento del catálogo DCAT, número {i}.",
            "owner_org": orgs[i % len(orgs)],
            "tag_string": f"prueba,rendimiento,anio-{year}",
            "license_id": "libre-uso-mx",
            "sector": sectors[i % len(sectors)],
            "frequency": freqs[i % len(freqs)],
            "issued": f"{year}-01-15",
            "modified": f"{year}-06-30",
            "contact": [{"name": "Coordinación General de Transparencia", "email": "transparencia@sach.gob.mx"}],
            "spatial_coverage": [{"place": places[i % len(places)]}],
            "temporal_coverage": [{"start": f"{year}-01-01", "end": f"{year}-12-31"}],
            "language": ["es"] if i % 3 else ["es", "nah"],
            "transparency_obligations": [obligations[i % len(obligations)]],
            "url": "https://sach.gob.mx/transparencia",
            "data_dictionary_url": f"https://sach.gob.mx/datos/{name}-diccionario.csv",
            "personal_data": "no",
            "quality_notes": "Datos de prueba.",
            "groups": [{"name": themes[i % len(themes)]}],
            "resources": [
                {"url": f"https://sach.gob.mx/datos/{name}.csv", "name": "Datos (CSV)", "format": "CSV",
                 "size": 1000 + i, "description": "Datos en CSV."},
                {"url": f"https://sach.gob.mx/datos/{name}.json", "name": "Datos (JSON)", "format": "JSON",
                 "size": 2000 + i},
                {"url": f"https://sach.gob.mx/datos/{name}-diccionario.csv", "name": "Diccionario de datos",
                 "format": "CSV", "resource_role": "data_dictionary"},
            ],
        })
        if (i + 1) % 100 == 0:
            print(f"  created {i + 1}/{n}", flush=True)
    return n


def measure(fn: Callable[[], tuple[int, int]], repeat: int, before: Callable[[], None] | None = None
            ) -> dict[str, Any]:
    times = []
    size = count = 0
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        size, count = fn()
        times.append(time.perf_counter() - start)
    if before:
        before()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"median": statistics.median(times), "best": min(times), "peak": peak, "bytes": size,
            "datasets": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ini", default=".local/bench-dcat.ini")
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--create-only", action="store_true", help="only create the datasets")
    parser.add_argument("--only", choices=["full", "page", "walk", "writer"], help="measure one case only")
    parser.add_argument("--graphs", type=int, default=100, help="--only writer: how many dataset graphs")
    args = parser.parse_args()

    app = _app(args.ini)
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        print(f"datasets: {ensure_datasets(args.datasets)}", flush=True)
    if args.create_only:
        return

    from ckanext.sach.dcat import cache

    client = flask_app.test_client()

    def site(url: str) -> Callable[[], tuple[int, int]]:
        return site_run(client, url)

    def stock(per_page: int) -> Callable[[], tuple[int, int]]:
        return stock_run(flask_app, per_page)

    def cold() -> None:
        with flask_app.app_context():
            cache.clear()

    if args.only == "walk":
        walks(flask_app, client, stock, args)
        return
    if args.only == "writer":
        writers(flask_app, args)
        return

    rows = []
    if args.only in (None, "full"):
        rows += [
            ("full catalogue", "stock", measure(stock(args.datasets), args.repeat)),
            ("full catalogue", "site cold", measure(site("/catalog/full.ttl"), args.repeat, cold)),
            ("full catalogue", "site warm", measure(site("/catalog/full.ttl"), args.repeat)),
        ]
    if args.only in (None, "page"):
        rows += [
            ("100-dataset page", "stock", measure(stock(100), args.repeat)),
            ("100-dataset page", "site cold", measure(site("/catalog.ttl?page_size=100"), args.repeat, cold)),
            ("100-dataset page", "site warm", measure(site("/catalog.ttl?page_size=100"), args.repeat)),
        ]
    print_rows(rows)
    if args.only in (None, "page"):
        print_floor(flask_app, rows, args.repeat)


def site_run(client: Any, url: str) -> Callable[[], tuple[int, int]]:
    """One GET of the site's endpoint, the streamed body consumed chunk by chunk."""
    def run() -> tuple[int, int]:
        response = client.get(url, buffered=False)
        assert response.status_code == 200, response.status_code
        size = count = 0
        for chunk in response.response:
            size += len(chunk)
            count += chunk.count(b" a dcat:Dataset")
        response.close()
        return size, count
    return run


def stock_run(flask_app: Any, per_page: int) -> Callable[[], tuple[int, int]]:
    """ckanext-dcat's own action function (the site chains it; call the original)."""
    import ckan.plugins.toolkit as tk

    from ckanext.dcat.logic import dcat_catalog_show as stock_catalog_show

    def run() -> tuple[int, int]:
        tk.config["ckanext.dcat.datasets_per_page"] = per_page
        with flask_app.test_request_context("/catalog.ttl"):
            out = stock_catalog_show({"ignore_auth": True}, {
                "format": "ttl", "profiles": ["euro_dcat_ap_3"], "page": 1})
        return len(out.encode()), out.count(" a dcat:Dataset")
    return run


def print_rows(rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    print(f"\n{'case':18} {'run':10} {'median s':>9} {'best s':>8} {'peak MiB':>9} {'KiB out':>8} {'datasets':>8}")
    for case, run, r in rows:
        print(f"{case:18} {run:10} {r['median']:9.3f} {r['best']:8.3f} {r['peak'] / 2**20:9.1f} "
              f"{r['bytes'] / 1024:8.0f} {r['datasets']:8d}")
    print()
    for case in sorted({c for c, _, _ in rows}):
        res = {run: r for c, run, r in rows if c == case}
        s = res["stock"]["median"]
        print(f"{case}: speed-up warm {s / res['site warm']['median']:.1f}x, cold "
              f"{s / res['site cold']['median']:.1f}x; peak memory stock/site "
              f"{res['stock']['peak'] / max(res['site warm']['peak'], 1):.1f}x (warm), "
              f"{res['stock']['peak'] / max(res['site cold']['peak'], 1):.1f}x (cold)")


def print_floor(flask_app: Any, rows: list[tuple[str, str, dict[str, Any]]], repeat: int) -> None:
    page = {run: r for c, run, r in rows if c == "100-dataset page"}
    raw, prepared, load = stock_mapping_only(flask_app, repeat)
    budget = page["stock"]["median"] / 3 / 100 * 1000
    print(f"\nfloor of a cold page: the stock euro_dcat_ap_3 code alone (100 dataset graphs, no "
          f"search, no serialisation, no cache) takes {raw:.2f} ms/dataset on the raw dicts and "
          f"{prepared:.2f} ms/dataset on the dicts the site profile passes it; loading the dicts "
          f"from the search index {load:.2f} ms/dataset; together {prepared + load:.2f} ms/dataset "
          f"against the {budget:.2f} ms/dataset a 3x cold page leaves for everything")


def walks(flask_app: Any, client: Any, stock: Callable[[int], Callable[[], tuple[int, int]]],
          args: Any) -> None:
    """Full walks of /catalog.ttl?page_size=100 (following hydra:next) after (i) 10 % of the
    datasets were edited and the write-through jobs ran, (ii) a settings change (a
    dependencia renamed): right after it, before the rebuild job ran (the previous entries
    are served) and after it ran; against stock ckanext-dcat's paged action on the same data."""
    import re

    from rq import SimpleWorker

    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib import jobs as ckan_jobs

    from ckanext.sach import seed
    from ckanext.sach.dcat import cache, jobs

    next_re = re.compile(r"hydra:next <([^>]+)>")

    def run_jobs() -> tuple[int, float]:
        queue = ckan_jobs.get_queue()
        count = queue.count
        start = time.perf_counter()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        return count, time.perf_counter() - start

    def site_walk() -> dict[str, Any]:
        url: str | None = "/catalog.ttl?page_size=100"
        pages = datasets = built = stale = 0
        start = time.perf_counter()
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            body = response.get_data(as_text=True)
            pages += 1
            datasets += body.count(" a dcat:Dataset")
            entries = dict(p.strip().split("=") for p in response.headers["X-DCAT-Entries"].split(","))
            built += int(entries["built"])
            stale += int(entries["stale"])
            match = next_re.search(body)
            url = match.group(1).split("/", 3)[3] if match else None
            url = "/" + url if url else None
        return {"s": time.perf_counter() - start, "pages": pages, "datasets": datasets, "built": built,
                "stale": stale}

    def stock_walk() -> dict[str, Any]:
        start = time.perf_counter()
        datasets = pages = 0
        total = args.datasets
        for page in range(1, -(-total // 100) + 1):
            tk.config["ckanext.dcat.datasets_per_page"] = 100
            with flask_app.test_request_context("/catalog.ttl"):
                from ckanext.dcat.logic import dcat_catalog_show as stock_catalog_show

                out = stock_catalog_show({"ignore_auth": True}, {
                    "format": "ttl", "profiles": ["euro_dcat_ap_3"], "page": page})
            pages += 1
            datasets += out.count(" a dcat:Dataset")
        return {"s": time.perf_counter() - start, "pages": pages, "datasets": datasets}

    with flask_app.test_request_context():
        ckan_jobs.get_queue().empty()
        cache.clear()
        start = time.perf_counter()
        jobs.rebuild_all()
        print(f"baseline: every entry built by rebuild_all in {time.perf_counter() - start:.1f} s", flush=True)
        context = seed.site_context()
        names = [p.name for p in model.Session.query(model.Package.name).filter(
            model.Package.name.like(PREFIX + "%"), model.Package.state == "active").order_by(model.Package.name)]
        step = 10
        start = time.perf_counter()
        for name in names[::step]:
            tk.get_action("package_patch")(dict(context), {"id": name, "notes": f"Editado {time.time()}"})
        edits = time.perf_counter() - start
    count, took = run_jobs()
    print(f"(i) {len(names[::step])} datasets edited in {edits:.1f} s; {count} jobs ran in {took:.1f} s", flush=True)
    results = [("(i) after 10 % edited, jobs ran", site_walk())]
    stock_i = stock_walk()

    with flask_app.test_request_context():
        org = tk.get_action("organization_list")({"ignore_auth": True}, {"limit": 1})[0]
        tk.get_action("organization_patch")(dict(seed.site_context()),
                                            {"id": org, "title": f"Dependencia {time.time():.0f}"})
    results.append(("(ii) settings change, rebuild queued not run", site_walk()))
    count, took = run_jobs()
    print(f"(ii) rebuild job(s): {count} in {took:.1f} s", flush=True)
    results.append(("(ii) settings change, rebuild ran", site_walk()))
    stock_ii = stock_walk()

    print(f"\n{'walk':46} {'s':>7} {'pages':>5} {'datasets':>8} {'built':>5} {'stale':>5} {'vs stock':>8}")
    stock_s = statistics.median([stock_i["s"], stock_ii["s"]])
    for label, r in results:
        print(f"{label:46} {r['s']:7.2f} {r['pages']:5d} {r['datasets']:8d} {r['built']:5d} {r['stale']:5d} "
              f"{stock_s / r['s']:7.1f}x")
    for label, r in (("stock ckanext-dcat paged action, run 1", stock_i), ("stock, run 2", stock_ii)):
        print(f"{label:46} {r['s']:7.2f} {r['pages']:5d} {r['datasets']:8d}")


def _turtle_writers() -> dict[str, Callable[[Any], str]]:
    """The Turtle writers compared by ``--only writer``, each writing one dataset graph as a
    catalogue fragment (no prefix lines: the document declares them once). The first is the
    baseline: the site's own writer (ckanext/sach/dcat/turtle.py). oxrdflib's ``ox-turtle``
    (issue #17 asks to use it if it loses no more than 5 %) is compared when installed
    (``pip install oxrdflib==0.5.0``): as a drop-in (its prefix lines dropped line by line,
    as :func:`serialize.strip` does) and with them cut by count (the cheapest way)."""
    import rdflib

    from ckanext.sach.dcat import serialize, turtle

    table = tuple(serialize.Serializer().prefixes())
    out: dict[str, Callable[[Any], str]] = {"turtle.py": turtle.Writer(table).serialize}
    try:
        from oxrdflib.serializer import OxigraphTurtleSerializer
    except ImportError:
        print("oxrdflib is not installed: ox-turtle not compared")
    else:
        def ox(g: Any) -> str:
            stream = io.BytesIO()
            OxigraphTurtleSerializer(g).serialize(stream)
            return serialize.strip(stream.getvalue().decode(), "ttl")

        def ox_cut(g: Any) -> str:  # ox-turtle writes every prefix given, first, one per line
            stream = io.BytesIO()
            OxigraphTurtleSerializer(g).serialize(stream)
            return stream.getvalue().decode().split("\n", len(table))[len(table)]
        out["ox-turtle"] = ox
        out["ox-turtle cut"] = ox_cut

    def rdflib_turtle(g: Any) -> str:
        copy = rdflib.Graph(bind_namespaces="none")
        for prefix, ns in table:
            copy.bind(prefix, ns)
        for t in g:
            copy.add(t)
        return serialize.strip(copy.serialize(format="turtle"), "ttl")
    out["rdflib turtle"] = rdflib_turtle
    return out


def writers(flask_app: Any, args: Any) -> None:
    """Turtle writers on the same per-dataset graphs (built by the site profile as on a cold
    page), interleaved: each round times every writer on all graphs, in a rotated order.
    Prints the median and p95 over rounds of ms per graph, and the median of the per-round
    ratios against the first writer (the baseline of the same run)."""
    import rdflib
    import rdflib.compare

    import ckan.plugins.toolkit as tk

    from ckanext.dcat.processors import RDFSerializer

    from ckanext.sach.dcat import serialize

    with flask_app.test_request_context("/catalog.ttl"):
        dicts = tk.get_action("package_search")({"ignore_auth": True}, {
            "q": "name:" + PREFIX + "*", "rows": args.graphs, "sort": "name asc"})["results"]
        serializer = serialize.Serializer()
        rdf = RDFSerializer(profiles=serialize.effective_profiles())
        graphs = []
        for data in dicts:
            rdf.g = g = serializer.new_graph(bind=False, shared=set())
            rdf.graph_from_dataset(data)
            # ox-turtle takes its prefixes from the graph: the document's table, bound outside the timing
            for prefix, ns in serializer.prefixes():
                g.store.bind(prefix, rdflib.URIRef(ns))
            graphs.append(g)
        candidates = _turtle_writers()
        names = list(candidates)
        for name, write in candidates.items():  # each output parses back to the same graph
            for g in graphs[:5]:
                text = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in serializer.prefixes()) + write(g)
                assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=text, format="turtle"), g), name
        times: dict[str, list[float]] = {n: [] for n in names}
        rounds = max(args.repeat, 3)
        for r in range(rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                write = candidates[name]
                start = time.perf_counter()
                for g in graphs:
                    write(g)
                times[name].append((time.perf_counter() - start) * 1000 / len(graphs))
    base = names[0]
    print(f"\n{len(graphs)} dataset graphs, {rounds} interleaved rounds; ms per graph")
    print(f"{'writer':18} {'median':>8} {'p95':>8} {'best':>8} {'vs ' + base:>14}")
    for name in names:
        ratios = [t / b for t, b in zip(times[name], times[base], strict=True)]
        ordered = sorted(times[name])
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"{name:18} {statistics.median(times[name]):8.3f} {p95:8.3f} {ordered[0]:8.3f} "
              f"{statistics.median(ratios):13.3f}x")


def stock_mapping_only(flask_app: Any, repeat: int) -> tuple[float, float, float]:
    """Median ms per dataset of ckanext-dcat's ``euro_dcat_ap_3`` code building the graphs of
    the first 100 datasets, on the site's own per-dataset graph class (the cheapest place
    this code runs): from the raw dataset dicts, and from the dicts the site profile hands
    it (publisher, creator, places, themes, licences filled in) — the part of a cold page
    the site profile must run, since it calls the stock profile by inheritance."""
    from rdflib import URIRef

    import ckan.plugins.toolkit as tk

    from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
    from ckanext.dcat.utils import dataset_uri

    from ckanext.sach.dcat.profile import SachDCATAPProfile
    from ckanext.sach.dcat.store import DatasetGraph

    with flask_app.test_request_context("/catalog.ttl"):
        dicts = tk.get_action("package_search")({"ignore_auth": True}, {
            "q": "name:" + PREFIX + "*", "rows": 100, "sort": "name asc"})["results"]
        refs = [URIRef(dataset_uri(d)) for d in dicts]
        # prepared as on a cold page: shared agents reduced to links
        prepared = [SachDCATAPProfile(DatasetGraph(set()))._prepare(d)  # noqa: SLF001 -- this internal step is what is measured
                    for d in dicts]

        def median_ms(inputs: list[dict[str, Any]]) -> float:
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                for data, ref in zip(inputs, refs, strict=True):
                    EuropeanDCATAP3Profile(DatasetGraph(fixed_prefixes=True)).graph_from_dataset(data, ref)
                times.append((time.perf_counter() - start) * 1000 / len(inputs))
            return statistics.median(times)

        from ckanext.sach.dcat import serialize

        ids = [d["id"] for d in dicts]
        loads = []
        for _ in range(repeat):
            start = time.perf_counter()
            serialize.load_dicts(ids)
            loads.append((time.perf_counter() - start) * 1000 / len(ids))
        return median_ms(dicts), median_ms(prepared), statistics.median(loads)


if __name__ == "__main__":
    main()
