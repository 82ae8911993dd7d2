"""Benchmark of the DataStore (issue 16): loading a 100,000-row CSV through ckanext-xloader in a
real jobs worker, then ``datastore_search`` with a filter.

Serves CKAN with gunicorn on a free loopback port (an ini extending ``--ini`` with
``ckanext.xloader.site_url`` pointed at it, as tests/datastore does), creates a sysadmin, a
dependencia and a dataset through the actions, uploads the CSV over HTTP and runs
``ckan jobs worker --burst``. Figures:

- load: wall time of the worker run that loads the file, and the same worker run on an empty
  queue (the baseline: CKAN's start-up), both in this run; the difference is the load itself.
  A file over ``ckanext.sach.privacy.inline_max_size`` (5 MB) is first scanned for personal data
  by a job (the dataset is private, as the guard requires) and submitted to xloader when the scan
  is clean, so that run includes the scan: both jobs' times are printed from RQ's records;
- search: ``datastore_search`` over HTTP, ``filters={"colonia": ...}`` (about 2,000 matching rows
  of 100,000, first 100 returned), against the same call without a filter (baseline); median and
  p95 of ``--repeat`` calls each.

    export CKAN_SQLALCHEMY_URL=... CKAN_REDIS_URL=... CKAN_DATASTORE_WRITE_URL=... CKAN_DATASTORE_READ_URL=...
    .venv/bin/python bench/datastore.py --ini test.ini [--rows 100000] [--repeat 50]

It writes to the database of ``--ini`` (use the test database, never a site's). Results go to
bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COLONIAS = [f"Colonia {i:02d}" for i in range(50)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csv_rows(n: int) -> bytes:
    rng = random.Random(16)
    out = io.StringIO()
    out.write("folio,colonia,concepto,monto,fecha\n")
    for i in range(n):
        out.write(f"{i + 1},{rng.choice(COLONIAS)},Pago de derechos,{rng.randint(100, 999999) / 100:.2f},"
                  f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n")
    return out.getvalue().encode("utf-8")


def _valid_dataset() -> dict[str, Any]:
    """tests/helpers.py's complete municipal dataset (loaded by path: ``tests`` is also CKAN's)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sach_test_helpers", ROOT / "tests" / "helpers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.VALID_DATASET)


def setup(ini: str) -> dict[str, Any]:
    """A sysadmin with a token, a dependencia and a public dataset, through CKAN's actions."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():  # noqa: SLF001 -- CKAN's app exposes its Flask app only so
        import ckan.plugins.toolkit as tk

        ctx = {"ignore_auth": True}
        name = "bench_" + uuid.uuid4().hex[:8]
        tk.get_action("user_create")(ctx, {"name": name, "email": f"{name}@example.org",
                                           "password": "Contrasena-Segura-2025"})
        from ckan import model

        user = model.User.get(name)
        user.sysadmin = True
        model.Session.commit()
        token = tk.get_action("api_token_create")({"ignore_auth": True, "user": name},
                                                  {"user": name, "name": "bench"})["token"]
        org = tk.get_action("organization_create")({"ignore_auth": True, "user": name},
                                                   {"name": "bench-" + uuid.uuid4().hex[:6], "title": "Bench"})
        # private: a file over ckanext.sach.privacy.inline_max_size is scanned in the background,
        # and a public dataset refuses files whose scan is pending
        pkg = dict(_valid_dataset(), name="bench-" + uuid.uuid4().hex[:6], owner_org=org["id"], resources=[],
                   private=True)
        pkg = tk.get_action("package_create")({"ignore_auth": True, "user": name}, pkg)
        storage = tk.config["ckan.storage_path"]
    return {"token": token, "package_id": pkg["id"], "storage": storage}


def serve(ini: str, storage: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    served_ini = tmp / "xloader.ini"
    served_ini.write_text(f"[app:main]\nuse = config:{Path(ini).resolve()}\nckanext.xloader.site_url = {base}\n"
                          f"ckan.storage_path = {storage}\n", encoding="utf-8")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "scripts" / "gunicorn.conf.py"), "ckanext.sach.wsgi:application"],
        env={**os.environ, "CKAN_INI": str(served_ini), "SACH_BIND": f"127.0.0.1:{port}", "SACH_WORKERS": "2"},
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp / "gunicorn.log").open("w"), start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if requests.get(base + "/api/3/action/status_show", timeout=5).ok:
                return proc, base, served_ini
        except requests.RequestException:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start: " + (tmp / "gunicorn.log").read_text()[-2000:])


def worker(served_ini: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ckan"), "-c", str(served_ini), "jobs", "worker", "--burst"],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return time.perf_counter() - start


def job_times(since: datetime.datetime) -> list[tuple[str, float]]:
    """(function, seconds) of the jobs RQ recorded as finished on CKAN's default queue since ``since``."""
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    from ckan.lib import jobs as ckan_jobs

    queue = ckan_jobs.get_queue()
    registry = FinishedJobRegistry(queue=queue)
    found = []
    for job in Job.fetch_many(registry.get_job_ids(), connection=queue.connection):
        if job is not None and job.started_at and job.ended_at and job.started_at.replace(tzinfo=since.tzinfo) >= since:
            found.append((job.func_name.rsplit(".", 1)[-1], (job.ended_at - job.started_at).total_seconds()))
    return found


def timed_calls(base: str, token: str, body: dict[str, Any], repeat: int) -> list[float]:
    times = []
    with requests.Session() as http:
        for _ in range(repeat):
            start = time.perf_counter()
            r = http.post(base + "/api/3/action/datastore_search", json=body, headers={"Authorization": token})
            times.append(time.perf_counter() - start)
            r.raise_for_status()
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", default=str(ROOT / "test.ini"))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    ids = setup(args.ini)
    with tempfile.TemporaryDirectory() as tmpdir:
        proc, base, served_ini = serve(args.ini, ids["storage"], Path(tmpdir))
        try:
            baseline = worker(served_ini)  # nothing queued: CKAN's start-up only
            data = csv_rows(args.rows)
            r = requests.post(base + "/api/3/action/resource_create", headers={"Authorization": ids["token"]},
                              data={"package_id": ids["package_id"], "name": "Pagos", "format": "CSV"},
                              files={"upload": ("pagos.csv", data, "text/csv")}, timeout=600)
            if not r.ok:
                raise SystemExit(f"upload refused: {r.status_code} {r.text[:1000]}")
            resource_id = r.json()["result"]["id"]
            since = datetime.datetime.now(datetime.UTC)
            load = worker(served_ini)
            jobs = job_times(since)
            total = requests.post(base + "/api/3/action/datastore_search", headers={"Authorization": ids["token"]},
                                  json={"resource_id": resource_id, "limit": 0}).json()["result"]["total"]
            assert total == args.rows, total
            plain = timed_calls(base, ids["token"], {"resource_id": resource_id, "limit": 100}, args.repeat)
            filtered = timed_calls(base, ids["token"], {"resource_id": resource_id, "limit": 100,
                                                        "filters": {"colonia": COLONIAS[7]}}, args.repeat)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=40)
    print(f"file: {args.rows} rows, {len(data) / 1e6:.1f} MB")
    print(f"load: worker run {load:.1f} s; empty-queue worker run (baseline) {baseline:.1f} s; "
          f"load itself {load - baseline:.1f} s ({args.rows / max(load - baseline, 1e-9):,.0f} rows/s)")
    for name, seconds in jobs:
        print(f"  job {name}: {seconds:.1f} s")
    for label, values in (("no filter (baseline)", plain), ("filter colonia", filtered)):
        print(f"datastore_search {label}: median {statistics.median(values) * 1000:.1f} ms, "
              f"p95 {p95(values) * 1000:.1f} ms ({len(values)} calls)")
    print(f"ratio filtered/baseline (median): {statistics.median(filtered) / statistics.median(plain):.2f}")


if __name__ == "__main__":
    main()
