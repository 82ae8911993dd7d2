"""Benchmark of bulk publishing (issue 15): N datasets × 2 linked resources from one XLSX.

In one run, on its own database (refused unless the name contains "bench": it is wiped):

1. dry run of the XLSX (``Loader.run(dry_run=True)``: the action chain's checks, nothing written),
2. load of the same file (``package_create`` per row through the actions, index and guards),
3. re-run of the file (every row "sin cambios"),
4. the same N datasets sent one by one to a live CKAN (``ckan run``) with ckanapi's
   ``RemoteCKAN.action.package_create`` over HTTP — the call ``ckanapi action package_create``
   makes, without starting a Python process per dataset;
5. the issue's literal baseline: the command ``ckanapi action package_create -r SITE -a TOKEN -I
   dataset.json``, one process per dataset, against the same served site (``--cli-datasets``
   of them, default all N: each invocation pays a Python start-up, so a sample gives the rate
   sooner on a busy machine).

Each of 1–3 runs in a fresh process (``--child``) and reports seconds, datasets/s and the growth of
the process's peak resident memory (``ru_maxrss``); the dry run and the load are also measured
on a file a quarter the size, to show that memory does not grow with the file.

    scripts/services.sh ensure-db ckan_sach_bench_bulk
    .venv/bin/python bench/bulk.py [--datasets 1000] [--cli-datasets N] [--redis-db 6]

Linked files are not scanned here (test.ini: ``ckanext.sach.privacy.scan_links = false``), for both
paths alike. Speed is never asserted: the script prints figures (bench/RESULTS.md records them).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "postgresql://ckan_sach:ckan_sach@127.0.0.1:54329/ckan_sach_bench_bulk"
ORG = "tesoreria-municipal"
EDITOR = "bench-editor"
WORK = ROOT / ".local" / "bench-bulk"


def _rows(prefix: str, n: int) -> list[dict[str, str]]:
    """Canonical cells (codes) of N dataset rows, each followed by its two resource rows."""
    rows: list[dict[str, str]] = []
    for i in range(n):
        name = f"{prefix}-{i:05d}"
        rows.append({
            "_row": "conjunto", "name": name, "title": f"Indicadores municipales {prefix} {i}",
            "notes": f"Indicadores del mes {i % 12 + 1} de la Tesorería Municipal.", "owner_org": ORG,
            "private": "False", "tag_string": "finanzas, indicadores", "sector": "finanzas-y-contrataciones",
            "frequency": "R/P1M", "modified": "2024-06-30", "contact.name": "Tesorería Municipal",
            "contact.email": "tesoreria@sach.gob.mx", "spatial_coverage.place": "21119", "language": "es",
            "url": "https://sach.gob.mx/transparencia", "personal_data": "no",
            "data_dictionary_url": "https://sach.gob.mx/datos/diccionario.csv"})
        for fmt in ("CSV", "JSON"):
            rows.append({"_row": "recurso", "name": name, "resource.format": fmt,
                         "resource.url": f"https://sach.gob.mx/datos/{name}.{fmt.lower()}",
                         "resource.name": f"Datos ({fmt})"})
    return rows


def _load_ckan() -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)  # CKAN's CKANApp wraps the Flask app
    while not hasattr(flask_app, "test_request_context") and hasattr(flask_app, "app"):
        flask_app = flask_app.app
    flask_app.test_request_context().push()  # translations and actions need a request context


def child_setup(n: int) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.sach.bulk import cells, template
    from ckanext.sach.bulk.load import columns_for, reading_columns

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    ctx = {"user": site, "ignore_auth": True}
    tk.get_action("user_create")(dict(ctx), {"name": EDITOR, "email": "bench@sach.gob.mx",
                                            "password": "Contrasena-Segura-2025"})
    tk.get_action("organization_create")(dict(ctx), {"name": ORG, "title": "Tesorería Municipal",
                                                    "users": [{"name": EDITOR, "capacity": "editor"}]})
    token = tk.get_action("api_token_create")(dict(ctx), {"user": EDITOR, "name": "bench"})["token"]
    WORK.mkdir(parents=True, exist_ok=True)
    cols = columns_for(EDITOR)
    (WORK / "full.xlsx").write_bytes(template.render(cols, "xlsx", _rows("carga", n)))
    (WORK / "quarter.xlsx").write_bytes(template.render(cols, "xlsx", _rows("cuarto", max(1, n // 4))))
    read_cols = reading_columns()
    for prefix, file in (("api", "payloads.json"), ("cli", "cli-payloads.json")):
        payloads = []
        rows = _rows(prefix, n)
        for i in range(0, len(rows), 3):
            data = cells.to_dataset_dict(rows[i], read_cols, None)
            data["resources"] = [cells.to_resource_dict(r, read_cols, None) for r in rows[i + 1:i + 3]]
            payloads.append(data)
        (WORK / file).write_text(json.dumps(payloads, ensure_ascii=False))
    model.Session.remove()
    print(json.dumps({"token": token, "bytes": (WORK / "full.xlsx").stat().st_size}))


def child_run(mode: str, path: str) -> None:
    import resource

    from ckanext.sach.bulk.load import Loader

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with open(path, "rb") as stream:
        report = Loader(EDITOR, ORG).run(stream, dry_run=mode == "dry")
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "datasets": report.total, "created": len(report.created),
                      "updated": len(report.updated), "unchanged": len(report.unchanged),
                      "errors": report.errors[:3], "rss_growth_mb": (rss - base) / 1024, "rss_mb": rss / 1024}))


def _child(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        sys.exit(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ckanapi(env: dict[str, str], token: str, cli_count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    import importlib.util

    import ckanapi

    # by path: importing ckan puts its own ``tests`` package first on sys.path
    spec = importlib.util.spec_from_file_location("bench_served", ROOT / "tests" / "hardening" / "served.py")
    assert spec
    assert spec.loader
    served = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(served)
    served_site = served.served_site

    payloads = json.loads((WORK / "payloads.json").read_text())
    old = dict(os.environ)
    os.environ.update(env)
    try:
        with served_site() as base:
            remote = ckanapi.RemoteCKAN(base, apikey=token)
            start = time.perf_counter()
            for data in payloads:
                remote.action.package_create(**data)
            seconds = time.perf_counter() - start
            cli = _ckanapi_command(base, token, cli_count)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return {"seconds": seconds, "datasets": len(payloads)}, cli


def _ckanapi_command(base: str, token: str, count: int) -> dict[str, Any]:
    """``ckanapi action package_create`` run as a command, one process per dataset."""
    command = str(Path(sys.executable).with_name("ckanapi"))
    payloads = json.loads((WORK / "cli-payloads.json").read_text())[:count]
    files = []
    for i, data in enumerate(payloads):
        files.append(WORK / f"cli-{i:05d}.json")
        files[-1].write_text(json.dumps(data, ensure_ascii=False))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    start = time.perf_counter()
    for file in files:
        subprocess.run([command, "action", "package_create", "-r", base, "-a", token, "-I", str(file)],
                       env=env, check=True, capture_output=True, timeout=300)
    seconds = time.perf_counter() - start
    for file in files:
        file.unlink()
    return {"seconds": seconds, "datasets": len(files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--cli-datasets", type=int, default=None,
                        help="datasets sent with the ckanapi command, one process each (default: all)")
    parser.add_argument("--db", default=DB)
    parser.add_argument("--redis-db", type=int, default=6)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _load_ckan()
        if args.child[0] == "setup":
            child_setup(int(args.child[1]))
        else:
            child_run(args.child[0], args.child[1])
        return
    if "bench" not in args.db.rsplit("/", 1)[-1]:
        sys.exit("Refusing to wipe a database whose name lacks 'bench'")
    env = {**os.environ, "CKAN_SQLALCHEMY_URL": args.db, "PYTHONPATH": str(ROOT),
           "CKAN_REDIS_URL": f"redis://127.0.0.1:63799/{args.redis_db}",
           "CKAN_STORAGE_PATH": str(ROOT / ".local" / "bench-bulk-storage")}
    import sqlalchemy as sa

    engine = sa.create_engine(args.db)
    with engine.begin() as conn:  # `ckan db clean` cannot clear a search table it has just dropped
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    ckan = str(Path(sys.executable).with_name("ckan"))
    for cmd in (["db", "upgrade"],):
        subprocess.run([ckan, "-c", str(ROOT / "test.ini"), *cmd], env=env, cwd=ROOT, check=True,
                       capture_output=True)
    setup = _child(env, "setup", str(args.datasets))
    n = args.datasets
    quarter = _child(env, "dry", str(WORK / "quarter.xlsx"))
    dry = _child(env, "dry", str(WORK / "full.xlsx"))
    load_quarter = _child(env, "load", str(WORK / "quarter.xlsx"))
    load = _child(env, "load", str(WORK / "full.xlsx"))
    rerun = _child(env, "load", str(WORK / "full.xlsx"))
    api, cli = _ckanapi(env, setup["token"], n if args.cli_datasets is None else args.cli_datasets)
    assert load["created"] == n, (load, rerun)
    assert rerun["unchanged"] == n, (load, rerun)
    rate = {k: v["datasets"] / v["seconds"] for k, v in
            {"dry": dry, "load": load, "rerun": rerun, "api": api, "cli": cli}.items()}
    print(f"\nBulk load: {n} datasets × 2 linked resources, XLSX of {setup['bytes'] / 1e6:.2f} MB "
          f"({os.cpu_count()} CPUs, shared machine)\n")
    print("| path | seconds | datasets/s | × `ckanapi action` command | × RemoteCKAN in one process "
          "| peak RSS growth |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, result in ((f"dry run, {n // 4} datasets", quarter), (f"load, {n // 4} datasets", load_quarter)):
        print(f"| {label} | {result['seconds']:.1f} | {result['datasets'] / result['seconds']:.1f} | | "
              f"| {result['rss_growth_mb']:.1f} MB |")
    for label, key, result in ((f"dry run, {n} datasets", "dry", dry), (f"load, {n} datasets", "load", load),
                               ("re-run (unchanged)", "rerun", rerun)):
        print(f"| {label} | {result['seconds']:.1f} | {rate[key]:.1f} | {rate[key] / rate['cli']:.1f} "
              f"| {rate[key] / rate['api']:.1f} | {result['rss_growth_mb']:.1f} MB |")
    print(f"| `ckanapi action package_create`, one process per dataset ({cli['datasets']}) | {cli['seconds']:.1f} "
          f"| {rate['cli']:.2f} | 1.0 | {rate['cli'] / rate['api']:.2f} | — |")
    print(f"| ckanapi RemoteCKAN package_create one by one, one process ({api['datasets']}) | {api['seconds']:.1f} "
          f"| {rate['api']:.1f} | {rate['api'] / rate['cli']:.1f} | 1.0 | — |")


if __name__ == "__main__":
    main()
