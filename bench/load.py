"""Load and fault benchmark of the served site (issue #12): real servers, real HTTP, loopback only.

Everything runs against this script's OWN PostgreSQL, Redis and site, so the restarts of the
fault run never touch the servers that tests or other clones use:

    SACH_LOCAL_DIR=.local/load  SACH_PG_PORT=54339  SACH_REDIS_PORT=63809
    ports 5101 (development server) and 5102 (production server)

    .venv/bin/python bench/load.py                  # setup + throughput + faults + phone
    .venv/bin/python bench/load.py --seconds 10     # shorter levels
    .venv/bin/python bench/load.py --only faults    # one phase (setup always runs first)
    .venv/bin/python bench/load.py --help

Setup (idempotent, the way `make run` builds a site): ``scripts/services.sh start`` and
``ensure-db ckan_sach_load`` with the environment above (a separate PostgreSQL cluster and
Redis under ``--local-dir``); ``LOCAL/load.ini`` written by ``scripts/make_ini.py`` from
ckan.ini.example and pointed at those ports and at ``LOCAL/storage``; ``ckan db upgrade``,
``translation js``, ``sach seed``, ``sach demo``, ``sach demo-microsite`` (the demo
catalogue of ``make run``, once); a sysadmin ``loadbench`` with a fresh API token per run.

Phases:

* **throughput**: the development server (``scripts/serve.sh ... dev``: ``ckan run
  --threaded``, what ``make dev`` runs) and the production server (``scripts/serve.sh ...
  prod``: gunicorn with scripts/gunicorn.conf.py and ckanext.sach.wsgi, what ``make run``
  runs), both up in the same run on the same catalogue. Each gets a warm-up pass over every
  URL, then 1, 10 and 50 concurrent clients for ``--seconds`` (60) each, measured in
  alternating ``--slice`` (10 s) slices, dev then prod then dev..., so that other work on the
  machine weighs on both alike (only one server is under load at a time). A client
  is a thread with one keep-alive HTTP/1.1 connection (re-opened when the server closes it),
  ``Accept-Encoding: gzip`` like a browser, a 30 s timeout, issuing requests back to back
  from a fixed, seeded mix: home page, dataset search pages (free text, dependencia, tag and
  format filters, page 2, sort), ``package_search`` through the API with four facets, DCAT
  catalogue pages ``/catalog.ttl?page=N`` and ``/data.json``, dataset pages. Printed per
  level: requests, req/s, p50/p95/p99 latency, errors (status other than 200, time-outs,
  connection errors) by kind, and the CPU time the server's process group (and the
  PostgreSQL cluster) used per request with the cores it obtained: on a machine shared with
  other work, req/s compare the servers only as far as they got the same CPU.
* **faults**: the production server under 10 clients; PostgreSQL is stopped (``pg_ctl stop
  -m fast``), kept down ``--outage`` seconds and started again, later the same with Redis
  (``SHUTDOWN NOSAVE``: the cache is lost, as in a real restart of this Redis, which keeps no
  data on disk). A writer thread meanwhile creates datasets and patches them through the API
  with the token (``package_create``/``package_patch``); every write the API acknowledged
  (200, ``success: true``) is checked afterwards with ``package_show`` (stored content) and
  ``package_search`` (in the index). Recovery = time from the moment the service answers
  again (``pg_ctl -w`` / ``PING`` returned) until the end of the last abnormal response (an
  error, or slower than max(1 s, 3 x the p95 before the faults)) among requests started
  before the next fault.
* **phone**: first visit of the home page in real Chromium (Playwright, /usr/bin/chromium),
  360 x 800 mobile viewport, empty cache; bytes on the wire (CDP ``encodedDataLength``:
  compressed bodies as served, plus headers) by resource type, at ``load`` and after
  scrolling to the bottom.

The load generator runs on the same (2-core) machine as the servers and competes with them
for CPU; other work on the machine shows in the figures. Speed is never asserted: the
script prints figures and writes them as JSON to ``LOCAL/load-results.json``.
Servers started here are stopped by their process group at the end, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DB_NAME = "ckan_sach_load"
ADMIN = "loadbench"
UA = "sach-bench-load/1"
FACETS = json.dumps(["organization", "groups", "tags", "res_format"])
WORDS = ["presupuesto", "agua", "obras", "seguridad", "licencias", "cholula", "escuelas", "salud"]
# a complete dataset of the municipal schema (the fault run's writes); private, because a public
# dataset with a linked file waits for the background personal-data scan before it may be public
DATASET: dict[str, Any] = {
    "private": True,
    "notes": "Escrito por bench/load.py durante la prueba de fallas.",
    "tag_string": "prueba-carga",
    "sector": "finanzas-y-contrataciones",
    "frequency": "R/P1Y",
    "issued": "2024-01-15",
    "modified": "2024-06-30",
    "contact": [{"name": "Tesorería Municipal", "email": "tesoreria@sach.gob.mx"}],
    "spatial_coverage": [{"place": "21119"}],
    "temporal_coverage": [{"start": "2024-01-01", "end": "2024-12-31"}],
    "language": ["es"],
    "url": "https://sach.gob.mx/transparencia",
    "personal_data": "no",
    "resources": [{"url": "https://sach.gob.mx/datos/carga.csv", "name": "Carga", "format": "CSV"}],
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ------------------------------------------------------------------ setup


class Site:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.local = Path(args.local_dir).resolve()
        self.ini = self.local / "load.ini"
        self.env = {**{k: v for k, v in os.environ.items()
                       if not k.startswith("CKAN_") and k != "CKAN_INI"},
                    "SACH_LOCAL_DIR": str(self.local), "SACH_PG_PORT": str(args.pg_port),
                    "SACH_REDIS_PORT": str(args.redis_port)}
        self.token = ""

    def sh(self, *cmd: str, check: bool = True, timeout: int = 900, env: dict | None = None) -> str:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                             env=env or self.env)
        if check and out.returncode != 0:
            sys.exit(f"ERROR: {' '.join(cmd)} failed:\n{out.stdout[-1500:]}\n{out.stderr[-3000:]}")
        return out.stdout

    def ckan(self, *args: str, check: bool = True) -> str:
        return self.sh(str(BIN / "ckan"), "-c", str(self.ini), *args, check=check)

    def services(self) -> None:
        self.local.mkdir(parents=True, exist_ok=True)
        self.sh(str(ROOT / "scripts" / "services.sh"), "start")
        self.sh(str(ROOT / "scripts" / "services.sh"), "ensure-db", DB_NAME)

    def setup(self) -> None:
        a = self.args
        log(f"services: PostgreSQL 127.0.0.1:{a.pg_port}, Redis 127.0.0.1:{a.redis_port}, data in {self.local}")
        self.services()
        if not self.ini.exists():
            self.sh(sys.executable, str(ROOT / "scripts" / "make_ini.py"), str(ROOT / "ckan.ini.example"),
                    str(self.ini))
            text = self.ini.read_text(encoding="utf-8")
            for pattern, value in [
                (r"^sqlalchemy\.url = .*$",
                 f"sqlalchemy.url = postgresql://ckan_sach:ckan_sach@127.0.0.1:{a.pg_port}/{DB_NAME}"),
                (r"^ckan\.redis\.url = .*$", f"ckan.redis.url = redis://127.0.0.1:{a.redis_port}/0"),
                (r"^ckan\.storage_path = .*$", f"ckan.storage_path = {self.local / 'storage'}"),
                (r"^ckan\.site_url = .*$", f"ckan.site_url = http://{HOST}:{a.prod_port}"),
            ]:
                text, n = re.subn(pattern, value, text, flags=re.M)
                assert n == 1, pattern
            self.ini.write_text(text, encoding="utf-8")
            log(f"wrote {self.ini}")
        done = self.local / "load-demo.done"
        if not done.exists():
            log("creating the demo catalogue (db upgrade, seed, demo, demo-microsite)")
            self.ckan("db", "upgrade")
            self.ckan("translation", "js", check=False)
            self.ckan("sach", "seed")
            self.ckan("sach", "demo")
            self.ckan("sach", "demo-microsite")
            done.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        shown = self.ckan("user", "show", ADMIN, check=False)
        if "User: None" in shown or ADMIN not in shown:
            self.ckan("user", "add", ADMIN, f"email={ADMIN}@example.org",
                      f"password={uuid.uuid4().hex}Aa1!")
        self.ckan("sysadmin", "add", ADMIN)
        answer = self.ckan("user", "token", "add", ADMIN, f"load-{int(time.time())}")
        self.token = answer.strip().splitlines()[-1].strip()

    # --- servers
    def start_server(self, mode: str, port: int) -> subprocess.Popen:
        run_dir = self.local / f"serve-{mode}"
        run_dir.mkdir(exist_ok=True)
        env = {**self.env, "SACH_LOCAL_DIR": str(run_dir)}
        with open(run_dir / "server.log", "a") as logf:  # the server keeps its own descriptor
            proc = subprocess.Popen([str(ROOT / "scripts" / "serve.sh"), str(BIN / "ckan"), str(self.ini), HOST,
                                     str(port), mode], cwd=ROOT, env=env, stdout=logf, stderr=logf,
                                    start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            if proc.poll() is not None:
                sys.exit(f"ERROR: the {mode} server exited (log: {run_dir / 'server.log'})")
            try:
                status, _, _ = fetch(port, "/api/3/action/status_show", timeout=5)
                if status == 200:
                    log(f"{mode} server up on {HOST}:{port} (pid {proc.pid})")
                    return proc
            except OSError:
                pass
            time.sleep(0.5)
        stop_server(proc)
        sys.exit(f"ERROR: the {mode} server did not answer in 180 s")

    def postmaster(self) -> int:
        try:
            return int((self.local / "pg" / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return -1

    def connection_states(self) -> dict[str, int]:
        """pg_stat_activity of the site's database: how many connections in which state."""
        out = self.sh("psql", "-h", HOST, "-p", str(self.args.pg_port), "-U", "postgres", "-d", "postgres", "-qtA",
                      "-c", f"SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity "
                            f"WHERE datname = '{DB_NAME}' AND pid <> pg_backend_pid() GROUP BY 1")
        return {k: int(v) for k, v in (line.split("|") for line in out.splitlines() if line.strip())}

    # --- faults
    def pg_ctl(self, action: str) -> None:
        bindir = next(d for d in sorted(Path("/usr/lib/postgresql").glob("*/bin")) if (d / "pg_ctl").exists())
        data = self.local / "pg" / "data"
        cmd = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", action]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        self.sh(*cmd, timeout=120)

    def redis_shutdown(self) -> None:
        self.sh("redis-cli", "-h", HOST, "-p", str(self.args.redis_port), "SHUTDOWN", "NOSAVE", check=False)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-h", HOST, "-p", str(self.args.redis_port), "PING"],
                              capture_output=True, text=True).stdout.strip() != "PONG":
                return
            time.sleep(0.1)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
    # serve.sh exits before gunicorn's master has finished its graceful shutdown: wait for the
    # whole process group, so that the next server can bind the port
    deadline = time.time() + 40
    while time.time() < deadline and any(pgid == proc.pid for _, _, pgid, _ in _procs()):
        time.sleep(0.2)
    for pid, _, pgid, _ in _procs():
        if pgid == proc.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ HTTP


def fetch(port: int, path: str, method: str = "GET", body: Any = None, token: str = "",
          timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"User-Agent": UA}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = token
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def api(port: int, action: str, token: str = "", timeout: float = 30, **data: Any) -> dict:
    status, _, body = fetch(port, f"/api/3/action/{action}", "POST", data, token, timeout)
    try:
        out = json.loads(body)
    except ValueError:
        out = {"success": False, "error": body[:200].decode("utf-8", "replace")}
    out["_status"] = status
    return out


def build_mix(port: int) -> list[tuple[str, str, int]]:
    """(kind, path, weight) over the demo catalogue, read from the site itself."""
    q = urllib.parse.urlencode({"rows": 100, "facet.field": FACETS, "facet.limit": 10})
    status, _, body = fetch(port, f"/api/3/action/package_search?{q}")
    assert status == 200, body[:300]
    result = json.loads(body)["result"]
    names = [d["name"] for d in result["results"]]
    facets = {k: [i["name"] for i in v["items"]] for k, v in result["search_facets"].items()}
    assert names, "the demo catalogue is empty"
    _, _, ttl = fetch(port, "/catalog.ttl")
    pages = max([int(n) for n in re.findall(rb"[?&]page=(\d+)", ttl)] or [1])
    orgs, tags, fmts = facets.get("organization") or [""], facets.get("tags") or [""], facets.get("res_format") or [""]
    mix: list[tuple[str, str, int]] = [("home", "/", 15)]
    search = ["/dataset/", "/dataset/?q=presupuesto", f"/dataset/?organization={orgs[0]}",
              f"/dataset/?tags={urllib.parse.quote(tags[0])}&res_format={urllib.parse.quote(fmts[0])}",
              "/dataset/?q=agua&sort=metadata_modified+desc", "/dataset/?page=2",
              f"/dataset/?organization={orgs[-1]}&q=datos"]
    mix += [("search_page", p, 25 // len(search) + 1) for p in search]
    for i, word in enumerate(WORDS[:5]):
        params = {"q": word, "facet.field": FACETS, "facet.limit": 20, "rows": 10}
        if i % 2:
            params["fq"] = f'organization:"{orgs[i % len(orgs)]}"'
        mix.append(("api_search", "/api/3/action/package_search?" + urllib.parse.urlencode(params), 4))
    for page in range(1, pages + 1):
        mix.append(("catalog_ttl", f"/catalog.ttl?page={page}", max(1, 8 // pages)))
    mix.append(("data_json", "/data.json", 4))
    per = max(1, 25 // min(len(names), 25))
    mix += [("dataset_page", f"/dataset/{n}", per) for n in names[:25]]
    return mix


class Recorder:
    def __init__(self) -> None:
        self.rows: list[tuple[float, float, str, str]] = []  # start, end, kind, status

    def add(self, start: float, end: float, kind: str, status: str) -> None:
        self.rows.append((start, end, kind, status))


def client_loop(port: int, mix: list[tuple[str, str, int]], until: float, rec: Recorder, seed: int,
                timeout: float) -> None:
    rnd = random.Random(seed)
    kinds = list(mix)
    weights = [m[2] for m in mix]
    conn: http.client.HTTPConnection | None = None
    while True:
        now = time.perf_counter()
        if now >= until:
            break
        kind, path, _ = rnd.choices(kinds, weights)[0]
        if conn is None:
            conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers={"User-Agent": UA, "Accept-Encoding": "gzip",
                                               "Accept": "text/html,application/json,*/*"})
            resp = conn.getresponse()
            resp.read()
            status = str(resp.status)
            if resp.will_close:
                conn.close()
                conn = None
        except TimeoutError:
            status = "timeout"
            conn.close()
            conn = None
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = None
            time.sleep(0.05)  # a refused connection returns at once: do not spin
        rec.add(start, time.perf_counter(), kind, status)
    if conn is not None:
        conn.close()


def run_clients(port: int, mix, clients: int, seconds: float, timeout: float = 30,
                seed: int = 0) -> tuple[Recorder, float]:
    rec = Recorder()
    t0 = time.perf_counter()
    until = t0 + seconds
    threads = [threading.Thread(target=client_loop, args=(port, mix, until, rec, seed * 1000 + i, timeout),
                                daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + timeout + 10)
    return rec, t0


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def summarize(rows, seconds: float) -> dict[str, Any]:
    lat = [e - s for s, e, _, st in rows if st == "200"]
    errors: dict[str, int] = {}
    for _, _, kind, st in rows:
        if st != "200":
            errors[f"{kind}:{st}"] = errors.get(f"{kind}:{st}", 0) + 1
    return {"requests": len(rows), "ok": len(lat), "rps": round(len(lat) / seconds, 1),
            "p50_ms": round(pct(lat, 50) * 1000), "p95_ms": round(pct(lat, 95) * 1000),
            "p99_ms": round(pct(lat, 99) * 1000), "errors": sum(errors.values()), "error_kinds": errors}


_TICK = os.sysconf("SC_CLK_TCK")


def _procs() -> list[tuple[int, int, int, float]]:
    """(pid, ppid, pgid, cpu seconds) of every process."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.append((int(d.name), int(fields[1]), int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICK))
    return out


def cpu_seconds(server_pgid: int, postmaster: int) -> tuple[float, float]:
    """CPU time (user + system) used so far by the web server's process group and by the
    PostgreSQL cluster (postmaster and its children). Processes that exited are not counted,
    so take differences over intervals in which none exits (gunicorn recycles a worker only
    every ~2,000 requests)."""
    procs = _procs()
    web = sum(c for pid, _, pgid, c in procs if pgid == server_pgid)
    pg = sum(c for pid, ppid, _, c in procs if pid == postmaster or ppid == postmaster)
    return web, pg


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def warm_up(port: int, mix) -> None:
    bad = []
    for _kind, path, _ in mix:
        for _ in range(2):
            status, _, _body = fetch(port, path, timeout=60)
        if status != 200:
            bad.append(f"{status} {path}")
    if bad:
        sys.exit("ERROR: the warm-up got errors (site broken?):\n  " + "\n  ".join(bad))


# ------------------------------------------------------------------ phases


def phase_throughput(site: Site, args, results: dict) -> None:
    """Both servers up at once, measured in alternating slices of --slice seconds (dev, prod, dev,
    ...) so that other work on the machine weighs on both alike; only one is under load at a time."""
    out = results.setdefault("throughput", {})
    servers = {mode: site.start_server(mode, port) for mode, port in (("dev", args.dev_port),
                                                                      ("prod", args.prod_port))}
    ports = {"dev": args.dev_port, "prod": args.prod_port}
    try:
        mix = build_mix(args.prod_port)
        results["mix"] = [(k, p, w) for k, p, w in mix]
        for mode in servers:
            warm_up(ports[mode], mix)
            run_clients(ports[mode], mix, 10, 5, seed=1)  # every gunicorn worker warm too
        for clients in args.levels:
            slices = max(1, round(args.seconds / args.slice))
            per = args.seconds / slices
            rows: dict[str, list] = {"dev": [], "prod": []}
            load: dict[str, list[str]] = {"dev": [], "prod": []}
            cpu = {"dev": [0.0, 0.0], "prod": [0.0, 0.0]}
            for i in range(slices):
                for mode in (("dev", "prod") if i % 2 == 0 else ("prod", "dev")):
                    load[mode].append(loadavg().split()[0])
                    before = cpu_seconds(servers[mode].pid, site.postmaster())
                    rec, _ = run_clients(ports[mode], mix, clients, per, seed=clients * 100 + i)
                    after = cpu_seconds(servers[mode].pid, site.postmaster())
                    cpu[mode][0] += after[0] - before[0]
                    cpu[mode][1] += after[1] - before[1]
                    rows[mode] += rec.rows
            for mode in ("dev", "prod"):
                s = summarize(rows[mode], args.seconds)
                by_kind = {}
                for kind in sorted({r[2] for r in rows[mode]}):
                    lat = [e - st for st, e, k, code in rows[mode] if k == kind and code == "200"]
                    by_kind[kind] = {"n": len(lat), "p50_ms": round(pct(lat, 50) * 1000),
                                     "p95_ms": round(pct(lat, 95) * 1000)}
                s.update(clients=clients, seconds=args.seconds, slices=slices, loadavg_1min=load[mode],
                         by_kind=by_kind,
                         web_cpu_ms_per_request=round(1000 * cpu[mode][0] / max(1, s["ok"]), 1),
                         pg_cpu_ms_per_request=round(1000 * cpu[mode][1] / max(1, s["ok"]), 1),
                         web_cores_used=round(cpu[mode][0] / args.seconds, 2))
                out[f"{mode}-{clients}"] = s
                log(f"{mode:4} {clients:3} clients: {s['rps']:7.1f} req/s  p50 {s['p50_ms']} ms  "
                    f"p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms  errors {s['errors']} {s['error_kinds'] or ''}"
                    f"  server CPU {s['web_cpu_ms_per_request']} ms/req on {s['web_cores_used']} cores"
                    f" (+PG {s['pg_cpu_ms_per_request']})  (1-min load {'/'.join(load[mode])})")
            ratio = out[f"prod-{clients}"]["rps"] / max(out[f"dev-{clients}"]["rps"], 0.1)
            out[f"ratio-{clients}"] = round(ratio, 2)
            log(f"     {clients:3} clients: production / development = {ratio:.2f}")
    finally:
        for mode, proc in servers.items():
            stop_server(proc)
            log(f"{mode} server stopped")


def writer_loop(port: int, token: str, until: float, org: str, run_id: str, log_: list[dict],
                stop: threading.Event) -> None:
    """Creates and patches datasets; log_ gets every attempt with its outcome."""
    n = 0
    created: list[str] = []
    rnd = random.Random(7)
    while time.perf_counter() < until and not stop.is_set():
        n += 1
        t = time.perf_counter()
        if created and n % 2 == 0:
            name = rnd.choice(created)
            notes = f"Versión {n} de {name}"
            attempt = {"op": "patch", "name": name, "notes": notes, "t": t}
            try:
                out = api(port, "package_patch", token, timeout=30, id=name, notes=notes)
                attempt["ack"] = out["_status"] == 200 and out.get("success") is True
                attempt["status"] = out["_status"]
                if not attempt["ack"]:
                    attempt["error"] = str(out.get("error"))[:200]
            except (OSError, http.client.HTTPException) as exc:
                attempt.update(ack=False, status=type(exc).__name__)
        else:
            name = f"carga-{run_id}-{n}"
            notes = f"Creado {n}"
            data = {**json.loads(json.dumps(DATASET)), "name": name, "title": f"Prueba de carga {run_id} {n}",
                    "owner_org": org, "notes": notes}
            attempt = {"op": "create", "name": name, "notes": notes, "t": t}
            try:
                out = api(port, "package_create", token, timeout=30, **data)
                attempt["ack"] = out["_status"] == 200 and out.get("success") is True
                attempt["status"] = out["_status"]
                if not attempt["ack"]:
                    attempt["error"] = str(out.get("error"))[:200]
            except (OSError, http.client.HTTPException) as exc:
                attempt.update(ack=False, status=type(exc).__name__)
            if attempt["ack"]:
                created.append(name)
        attempt["end"] = time.perf_counter()
        log_.append(attempt)
        time.sleep(max(0.0, 0.7 - (time.perf_counter() - t)))


def check_writes(port: int, token: str, attempts: list[dict]) -> dict[str, Any]:
    """Every acknowledged write must be there: stored (package_show) and indexed (package_search)."""
    by_name: dict[str, list[dict]] = {}
    for a in attempts:
        by_name.setdefault(a["name"], []).append(a)
    lost, stale, unindexed = [], [], []
    acked = [a for a in attempts if a.get("ack")]
    for name, history in by_name.items():
        acks = [a for a in history if a.get("ack")]
        if not acks:
            continue
        last = acks[-1]
        # a later write that failed may still have committed: its value is also acceptable
        allowed = {last["notes"]} | {a["notes"] for a in history if a["t"] > last["t"] and not a.get("ack")}
        shown = api(port, "package_show", token, id=name)
        if not shown.get("success"):
            lost.append(name)
            continue
        if shown["result"]["notes"] not in allowed:
            stale.append({"name": name, "stored": shown["result"]["notes"], "expected": sorted(allowed)})
        found = api(port, "package_search", token, fq=f'name:"{name}"', include_private=True, rows=1)
        if not found.get("success") or found["result"]["count"] != 1 or \
                found["result"]["results"][0]["notes"] not in allowed:
            unindexed.append(name)
    # a write that was not acknowledged may or may not exist, but never half: stored and not indexed
    half = []
    for name, history in by_name.items():
        if any(a.get("ack") for a in history):
            continue
        shown = api(port, "package_show", token, id=name)
        if shown.get("success"):
            found = api(port, "package_search", token, fq=f'name:"{name}"', include_private=True, rows=1)
            if not found.get("success") or found["result"]["count"] != 1:
                half.append(name)
    return {"attempts": len(attempts), "acknowledged": len(acked), "half_written_unacknowledged": half,
            "refused_or_failed": len(attempts) - len(acked),
            "failed_statuses": sorted({str(a.get("status")) for a in attempts if not a.get("ack")}),
            "failed_examples": [{k: a.get(k) for k in ("op", "status", "error")}
                                for a in attempts if not a.get("ack")][:5],
            "lost": lost, "stale": stale, "not_in_index": unindexed}


def recovery(rows, events: list[dict], threshold: float) -> list[dict]:
    out = []
    for i, ev in enumerate(events):
        nxt = events[i + 1]["down_at"] if i + 1 < len(events) else float("inf")
        window = [r for r in rows if ev["down_at"] - 5 <= r[0] < nxt]
        abnormal = [r for r in window if r[3] != "200" or r[1] - r[0] > threshold]
        after = [r for r in abnormal if r[1] > ev["up_at"]]
        last_bad = max((r[1] for r in after), default=ev["up_at"])
        in_outage = [r for r in window if ev["down_at"] <= r[0] < ev["up_at"]]
        errors_total = sum(1 for r in window if r[3] != "200")
        errors_after = sum(1 for r in window if r[3] != "200" and r[0] >= ev["up_at"])
        kinds: dict[str, int] = {}
        for r in window:
            if r[3] != "200":
                kinds[r[3]] = kinds.get(r[3], 0) + 1
        ok_after = [r for r in window if r[0] >= last_bad and r[3] == "200"]
        out.append({"service": ev["service"], "outage_s": round(ev["up_at"] - ev["down_at"], 1),
                    "recovery_s": round(last_bad - ev["up_at"], 2),
                    "requests_during_outage": len(in_outage), "errors": errors_total,
                    "errors_started_after_return": errors_after, "error_kinds": kinds,
                    "abnormal_after_return": len(after), "ok_after_recovery": len(ok_after),
                    # kind, status, start relative to the return (s), duration (s)
                    "abnormal_detail": [(r[2], r[3], round(r[0] - ev["up_at"], 2), round(r[1] - r[0], 2))
                                        for r in sorted(after, key=lambda r: -r[1])[:8]]})
    return out


def phase_faults(site: Site, args, results: dict) -> None:
    port = args.prod_port
    proc = site.start_server("prod", port)
    try:
        mix = build_mix(port)
        warm_up(port, mix)
        orgs = api(port, "organization_list")["result"]
        run_id = uuid.uuid4().hex[:6]
        total = args.fault_seconds
        # baseline: 10 clients, no fault
        base, _ = run_clients(port, mix, 10, min(15, total / 4), seed=99)
        base_lat = [e - s for s, e, _, st in base.rows if st == "200"]
        threshold = max(1.0, 3 * pct(base_lat, 95))
        log(f"fault run baseline: p50 {pct(base_lat, 50) * 1000:.0f} ms, p95 {pct(base_lat, 95) * 1000:.0f} ms"
            f" -> abnormal above {threshold:.2f} s")
        rec = Recorder()
        attempts: list[dict] = []
        t0 = time.perf_counter()
        until = t0 + total
        stop = threading.Event()
        readers = [threading.Thread(target=client_loop, args=(port, mix, until, rec, 500 + i, 30), daemon=True)
                   for i in range(10)]
        writer = threading.Thread(target=writer_loop, args=(port, site.token, until, orgs[0], run_id,
                                                            attempts, stop), daemon=True)
        for t in [*readers, writer]:
            t.start()
        events = []
        for service, at in (("postgresql", 0.2), ("redis", 0.6)):
            time.sleep(max(0.0, t0 + at * total - time.perf_counter()))
            down = time.perf_counter()
            if service == "postgresql":
                site.pg_ctl("stop")
                log("PostgreSQL stopped")
            else:
                site.redis_shutdown()
                log("Redis stopped (SHUTDOWN NOSAVE)")
            time.sleep(args.outage)
            site.services()  # pg_ctl start -w / redis-server + PING: returns when the service answers
            up = time.perf_counter()
            log(f"{service} back after {up - down:.1f} s")
            events.append({"service": service, "down_at": down, "up_at": up})
        for t in [*readers, writer]:
            t.join(timeout=total + 60)
        stop.set()
        rows = rec.rows
        res = {"clients": 10, "seconds": total, "outage_target_s": args.outage,
               "baseline": summarize(base.rows, min(15, total / 4)),
               "abnormal_threshold_s": round(threshold, 2),
               "overall": summarize(rows, total),
               "events": recovery(rows, events, threshold)}
        time.sleep(3)  # index writes of the last acknowledged requests
        res["writes"] = check_writes(port, site.token, attempts)
        results["faults"] = res
        for ev in res["events"]:
            log(f"{ev['service']}: down {ev['outage_s']} s, back to normal {ev['recovery_s']} s after it returned; "
                f"errors {ev['errors']} ({ev['errors_started_after_return']} started after the return) "
                f"{ev['error_kinds']}")
        w = res["writes"]
        log(f"writes: {w['attempts']} attempted, {w['acknowledged']} acknowledged; lost {len(w['lost'])}, "
            f"stale {len(w['stale'])}, missing from the index {len(w['not_in_index'])}")
        # the site answers normally at the end
        after, _ = run_clients(port, mix, 10, 5, seed=123)
        res["after"] = summarize(after.rows, 5)
        log(f"after the faults, 5 s x 10 clients: {res['after']['rps']} req/s, p95 {res['after']['p95_ms']} ms, "
            f"errors {res['after']['errors']}")
        time.sleep(2)
        res["connections_after"] = site.connection_states()
        log(f"connections of the site to its database, 2 s after the load: {res['connections_after']}")
    finally:
        stop_server(proc)


def phase_phone(site: Site, args, results: dict) -> None:
    from playwright.sync_api import sync_playwright

    port = args.prod_port
    proc = site.start_server("prod", port)
    try:
        fetch(port, "/")  # fills the server-side cache: measure the page, not the cache fill
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            ctx = browser.new_context(viewport={"width": 360, "height": 800}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True, locale="es-MX",
                                      user_agent="Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 "
                                                 "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36")
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            info: dict[str, dict[str, Any]] = {}
            cdp.on("Network.responseReceived", lambda e: info.setdefault(e["requestId"], {}).update(
                url=e["response"]["url"], type=e["type"], status=e["response"]["status"],
                encoding=e["response"]["headers"].get("content-encoding")
                or e["response"]["headers"].get("Content-Encoding", "")))
            cdp.on("Network.loadingFinished", lambda e: info.setdefault(e["requestId"], {}).update(
                bytes=e["encodedDataLength"]))
            cdp.on("Network.loadingFailed", lambda e: info.setdefault(e["requestId"], {}).update(
                failed=e.get("errorText", "")))

            def total() -> dict[str, Any]:
                by_type: dict[str, int] = {}
                for r in info.values():
                    by_type[r.get("type", "?")] = by_type.get(r.get("type", "?"), 0) + int(r.get("bytes", 0))
                return {"bytes": sum(by_type.values()), "requests": len(info), "by_type": by_type}

            page.goto(f"http://{HOST}:{port}/", wait_until="load")
            page.wait_for_load_state("networkidle")
            at_load = total()
            for _ in range(20):
                page.mouse.wheel(0, 800)
                page.wait_for_timeout(150)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            scrolled = total()
            biggest = sorted(({"url": r.get("url", "")[-80:], "type": r.get("type"), "bytes": int(r.get("bytes", 0)),
                               "encoding": r.get("encoding")} for r in info.values()),
                             key=lambda r: -r["bytes"])[:8]
            failed = [r for r in info.values() if r.get("failed") or int(r.get("status", 200)) >= 400]
            browser.close()
        results["phone"] = {"at_load": at_load, "after_scroll": scrolled, "largest": biggest,
                            "failed": failed}
        log(f"phone first visit: {at_load['bytes'] / 1024:.0f} KB in {at_load['requests']} requests at load, "
            f"{scrolled['bytes'] / 1024:.0f} KB after scrolling ({scrolled['by_type']}); failed {len(failed)}")
    finally:
        stop_server(proc)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--local-dir", default=str(ROOT / ".local" / "load"),
                   help="data of this benchmark's own PostgreSQL/Redis/site (SACH_LOCAL_DIR)")
    p.add_argument("--pg-port", type=int, default=54339)
    p.add_argument("--redis-port", type=int, default=63809)
    p.add_argument("--dev-port", type=int, default=5101)
    p.add_argument("--prod-port", type=int, default=5102)
    p.add_argument("--seconds", type=float, default=60, help="duration of each concurrency level")
    p.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    p.add_argument("--slice", type=float, default=10, help="seconds of one alternating dev/prod slice")
    p.add_argument("--fault-seconds", type=float, default=60, help="duration of the fault run")
    p.add_argument("--outage", type=float, default=3, help="seconds each service stays down")
    p.add_argument("--only", choices=["setup", "throughput", "faults", "phone"], action="append",
                   help="run only these phases (repeatable; setup always runs)")
    p.add_argument("--chromium", default=os.environ.get("SACH_CHROMIUM", "/usr/bin/chromium"))
    args = p.parse_args(argv)
    for port in (args.pg_port, args.redis_port, args.dev_port, args.prod_port):
        assert port not in (54329, 63799, 5000), "use ports of your own, not the shared servers'"
    site = Site(args)
    site.setup()
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "command": " ".join([Path(sys.executable).name, *sys.argv]),
                               "cpus": os.cpu_count(), "loadavg_start": loadavg()}
    phases = args.only or ["throughput", "faults", "phone"]
    out = Path(site.local) / "load-results.json"
    try:
        if "throughput" in phases:
            phase_throughput(site, args, results)
        if "faults" in phases:
            phase_faults(site, args, results)
        if "phone" in phases:
            phase_phone(site, args, results)
    finally:
        results["loadavg_end"] = loadavg()
        out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        log(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
