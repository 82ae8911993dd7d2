"""Benchmark of bulk publishing (issue 15): N datasets × 2 linked resources from one XLSX.

In one run, on its own database (refused unless the name contains "bench": it is wiped):

1. dry run of the XLSX (``Loader.run(dry_run=True)``: the action chain's checks, nothing written),
2. load of the same file (``package_create`` per row through the actions, index and guards),
3. re-run of the file (every row "sin cambios"),
4. the same N datasets sent one by one to a live CKAN (``ckan run``) with ckanapi's
   ``RemoteCKAN.action.package_create`` over HTTP — the call ``ckanapi action package_create``
   makes, without starting a Python process per dataset.

Each of 1–3 runs in a fresh process (``--child``) and reports seconds, datasets/s and the growth of
the process's peak resident memory (``ru_maxrss``); the dry run is also measured on a file a
quarter the size, to show whether memory grows with the file.

    scripts/services.sh ensure-db ckan_sach_bench_bulk
    .venv/bin/python bench/bulk.py [--datasets 1000] [--redis-db 6]

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
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app
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
    payloads = []
    rows = _rows("api", n)
    for i in range(0, len(rows), 3):
        data = cells.to_dataset_dict(rows[i], read_cols, None)
        data["resources"] = [cells.to_resource_dict(r, read_cols, None) for r in rows[i + 1:i + 3]]
        payloads.append(data)
    (WORK / "payloads.json").write_text(json.dumps(payloads, ensure_ascii=False))
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


def _ckanapi(env: dict[str, str], token: str) -> dict[str, Any]:
    import importlib.util

    import ckanapi

    # by path: importing ckan puts its own ``tests`` package first on sys.path
    spec = importlib.util.spec_from_file_location("bench_served", ROOT / "tests" / "hardening" / "served.py")
    assert spec and spec.loader
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
    finally:
        os.environ.clear()
        os.environ.update(old)
    return {"seconds": seconds, "datasets": len(payloads)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=1000)
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
    load = _child(env, "load", str(WORK / "full.xlsx"))
    rerun = _child(env, "load", str(WORK / "full.xlsx"))
    api = _ckanapi(env, setup["token"])
    assert load["created"] == n and rerun["unchanged"] == n, (load, rerun)
    rate = {k: v["datasets"] / v["seconds"] for k, v in
            {"dry": dry, "load": load, "rerun": rerun, "api": api}.items()}
    print(f"\nBulk load: {n} datasets × 2 linked resources, XLSX of {setup['bytes'] / 1e6:.2f} MB "
          f"({os.cpu_count()} CPUs, shared machine)\n")
    print("| path | seconds | datasets/s | × ckanapi | peak RSS growth |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| dry run ({n // 4} datasets) | {quarter['seconds']:.1f} | {quarter['datasets'] / quarter['seconds']:.0f} "
          f"| | {quarter['rss_growth_mb']:.1f} MB |")
    for label, key, result in (("dry run", "dry", dry), ("load", "load", load), ("re-run (unchanged)", "rerun", rerun)):
        print(f"| {label} | {result['seconds']:.1f} | {rate[key]:.1f} | {rate[key] / rate['api']:.1f} "
              f"| {result['rss_growth_mb']:.1f} MB |")
    print(f"| ckanapi package_create one by one (HTTP, ckan run) | {api['seconds']:.1f} | {rate['api']:.1f} | 1.0 | — |")


if __name__ == "__main__":
    main()
