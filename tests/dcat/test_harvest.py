"""End to end with the real harvester (issue #18): a second CKAN (its own database,
ckanext-harvest 1.6.3 + ckanext-dcat's ``dcat_rdf_harvester``, stock ``euro_dcat_ap_3``
profile) harvests this site's ``/catalog.ttl`` as served over HTTP, round after round,
following the README's advice for ckanext-dcat's harvester: always the full walk of
``/catalog.ttl`` (never a ``modified_since`` page: that harvester deletes whatever a run
does not return).

Slow (two ``ckan`` processes per round, the aggregator's database rebuilt once): about a
minute.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ckan.tests.helpers import call_action

from tests.dcat.conftest import create, full_dataset

pytest.importorskip("ckanext.harvest", reason="ckanext-harvest is not installed (dev-requirements.txt)")
pytestmark = pytest.mark.usefixtures("with_plugins")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CKAN = os.path.join(ROOT, ".venv", "bin", "ckan")
PORT = 5162
AGGR_DB = "ckan_sach_test_dcat_aggr"


def _env() -> dict[str, str]:
    # the aggregator's ini decides its database and Redis; the site's variables must not leak in
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    env["PYTHONPATH"] = ROOT
    return env


def _run(args: list[str], timeout: int = 300) -> str:
    result = subprocess.run(args, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-4000:])
    return result.stdout


@pytest.fixture
def aggregator(tmp_path: Any, ckan_config: Any) -> str:
    """A clean second CKAN database on the shared PostgreSQL with harvest tables."""
    from sqlalchemy.engine import make_url

    url = make_url(ckan_config["sqlalchemy.url"]).set(database=AGGR_DB)
    redis_url = ckan_config["ckan.redis.url"]
    from sqlalchemy import create_engine
    from sqlalchemy import text as sa_text

    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # a fresh aggregator: drop and recreate its own database
        conn.execute(sa_text(f'DROP DATABASE IF EXISTS "{AGGR_DB}" WITH (FORCE)'))
    admin.dispose()
    subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "ensure-db", AGGR_DB], cwd=ROOT,
                   capture_output=True, timeout=60)
    ini = tmp_path / "aggregator.ini"
    ini.write_text(f"""[app:main]
use = config:{ROOT}/test.ini
sqlalchemy.url = {url.render_as_string(hide_password=False)}
ckan.redis.url = {redis_url}
ckan.site_id = dcat_aggr
ckan.site_url = http://127.0.0.1:5169
ckan.storage_path = {tmp_path}/storage
ckan.plugins = sach_pgsearch activity harvest dcat dcat_rdf_harvester
ckanext.dcat.rdf.profiles = euro_dcat_ap_3
ckanext.dcat.enable_rdf_endpoints = false
""")
    for plugin in (None, "sach_pgsearch", "harvest"):
        _run([CKAN, "-c", str(ini), "db", "upgrade"] + (["-p", plugin] if plugin else []))
    _run([sys.executable, os.path.join(ROOT, "tests", "dcat", "aggregator.py"), str(ini), "setup",
          f"http://127.0.0.1:{PORT}/catalog.ttl"])
    return str(ini)


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", PORT, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.shutdown()
        thread.join(5)


def _harvest(ini: str) -> list[dict[str, Any]]:
    # README advice for ckanext-dcat 2.4.4 on CKAN 2.12: empty the trash before each run
    _run([sys.executable, os.path.join(ROOT, "tests", "dcat", "aggregator.py"), ini, "purge-deleted"])
    _run([CKAN, "-c", ini, "harvester", "run-test", "sach"], timeout=600)
    out = _run([sys.executable, os.path.join(ROOT, "tests", "dcat", "aggregator.py"), ini, "dump"])
    return {d["title"]: d for d in json.loads(out.strip().splitlines()[-1])}


def _check_round(harvested: dict[str, Any], expected: set[str]) -> None:
    assert set(harvested) == expected
    for title, d in harvested.items():
        assert d["formats"] and all(d["formats"]), (title, d["formats"])  # every format arrived
        assert d["contact"][0] and d["contact"][1], title
        assert d["spatial"], title


def test_harvest_rounds_with_the_real_harvester(served: str, aggregator: str,
                                                catalogue: dict[str, Any]) -> None:
    sysadmin = {"user": catalogue["sysadmin"]["name"]}
    create(catalogue["sysadmin"], **full_dataset(
        name="movilidad", title="Movilidad urbana", owner_org=catalogue["orgs"]["pc"]["id"], identifier="",
        issued="", temporal_coverage=[{"start": "2019-01-01", "end": "2019-06-30"},
                                      {"start": "2021-03-01", "end": "2021-12-31"}],
        resources=[{"url": "https://sach.gob.mx/datos/movilidad.md", "name": "Notas", "format": "Markdown"},
                   {"url": "https://sach.gob.mx/datos/movilidad.gpx", "name": "Rutas", "format": "GPX"}]))
    titles = {d["title"] for d in catalogue["public"]} | {"Movilidad urbana"}

    # round 1: everything public arrives, nothing hidden
    first = _harvest(aggregator)
    _check_round(first, titles)
    budget = first["Presupuesto de egresos 2024"]
    assert budget["contact"] == ["Tesorería Municipal", "tesoreria@sach.gob.mx"]
    assert budget["temporal"] == ["2024-01-01", "2024-12-31"]
    assert budget["issued"] and budget["issued"].startswith("2024-01-15")
    assert sorted(first["Movilidad urbana"]["formats"])[0] and first["Movilidad urbana"]["issued"] is None

    # round 2: edit one, withdraw two (private, deleted), republish a private one
    call_action("package_patch", context=dict(sysadmin), id="padron-comercios",
                title="Padrón de comercios (actualizado)")
    call_action("package_patch", context=dict(sysadmin), id="presupuesto-2024", private=True)
    call_action("package_delete", context=dict(sysadmin), id="atlas-riesgos")
    call_action("package_patch", context=dict(sysadmin), id="nomina-privada", private=False)
    second = _harvest(aggregator)
    _check_round(second, {"Padrón de comercios (actualizado)", "Movilidad urbana", "Nómina (privado)"})

    # round 3: the withdrawn budget is republished; a walk with nothing changed keeps everything
    call_action("package_patch", context=dict(sysadmin), id="presupuesto-2024", private=False)
    third = _harvest(aggregator)
    _check_round(third, {"Padrón de comercios (actualizado)", "Movilidad urbana", "Nómina (privado)",
                         "Presupuesto de egresos 2024"})
    assert third["Presupuesto de egresos 2024"]["temporal"] == ["2024-01-01", "2024-12-31"]
    assert _harvest(aggregator).keys() == third.keys()
