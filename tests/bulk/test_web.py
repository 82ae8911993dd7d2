"""The bulk-publishing pages through CKAN's test app, and a large load run by a real
``ckan jobs worker`` process (RQ) with its progress on the page."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ckan import model
from ckan.tests import factories

from tests.helpers import PASSWORD, csrf_token, login

from .conftest import ORG, OTHER_ORG, resource_row, row, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ROOT = Path(__file__).resolve().parents[2]
PAGE = f"/carga-masiva/{ORG}"


def _check(app, data: bytes, filename: str = "catalogo.xlsx"):
    token = csrf_token(app, PAGE)
    return app.post(f"{PAGE}/revisar", data={"_csrf_token": token, "archivo": (io.BytesIO(data), filename)})


def _confirm(app, page: str):
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="_csrf_token"\s+value="([^"]+)"', page).group(1)
    return app.post(f"{PAGE}/cargar", data={"_csrf_token": csrf, "token": token}, follow_redirects=False)


def test_officer_page_template_and_export(app, officer):
    login(app, officer["user"])
    page = app.get(PAGE)
    assert page.status_code == 200
    assert "Carga masiva de conjuntos de datos" in page.body
    res = app.get(f"{PAGE}/plantilla.xlsx")
    assert res.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(res.data))
    assert book["Catálogo"]["B1"].value == "Título"
    res = app.get(f"{PAGE}/plantilla.csv")
    assert res.data.decode("utf-8-sig").startswith("Tipo de fila,Título,URL,")
    assert app.get(f"{PAGE}/exportar.xlsx").status_code == 200


def _bulk_links(body: str) -> list[str]:
    return re.findall(r'<a[^>]*href="([^"]*/carga-masiva/[^"]*)"[^>]*>(?:(?!</a>).)*Carga masiva', body, re.S)


def test_dependencia_page_links_to_bulk_load_only_for_its_editors(app, officer):
    org_page = f"/organization/{ORG}"
    member = factories.User(password=PASSWORD)
    factories.Organization(name="otra", users=[{"name": member["name"], "capacity": "editor"}])
    model.Session.execute(model.Member.__table__.insert().values(
        id="bulk2-member", table_name="user", table_id=member["id"], group_id=officer["org"]["id"],
        capacity="member", state="active"))
    model.Session.commit()
    anonymous = app.get(org_page)
    assert anonymous.status_code == 200 and "Tesorería Municipal" in anonymous.body
    assert _bulk_links(anonymous.body) == []
    login(app, member)  # a member of Tesorería (editor elsewhere) may not create datasets in it
    assert _bulk_links(app.get(org_page).body) == []
    app.get("/user/_logout")
    login(app, officer["user"])
    links = _bulk_links(app.get(org_page).body)
    assert links == [PAGE], links
    assert app.get(links[0]).status_code == 200


def test_pages_refuse_others(app, officer, other_org):
    assert app.get(PAGE).status_code == 403  # anonymous
    member = factories.User(password=PASSWORD)
    factories.Organization(name="otra", users=[{"name": member["name"], "capacity": "member"}])
    login(app, officer["user"])
    res = app.get(f"/carga-masiva/{OTHER_ORG}")
    assert res.status_code == 403 and "Sólo los editores de esta dependencia" in res.body
    assert app.get("/carga-masiva/no-existe").status_code == 404


@pytest.mark.parametrize(("data", "filename", "words"), [
    (b"%PDF-1.4\x00\x00binary", "informe.pdf", "no es una hoja de cálculo"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "viejo.xls", "Excel antiguo"),
    (b"a,b,c\n1,2,3\n", "otra.csv", "no tiene los encabezados de la plantilla"),
])
def test_bad_files_are_a_400_with_a_spanish_message(app, officer, data, filename, words):
    login(app, officer["user"])
    res = _check(app, data, filename)
    assert res.status_code == 400
    assert words in res.body
    assert model.Session.query(model.Package).count() == 0


def test_dry_run_confirm_and_report_in_the_request(app, officer, ckan_config):
    folder = Path(ckan_config["ckan.storage_path"]) / "sach_bulk"
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / "olvidado"
    stale.write_bytes(b"old upload")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    login(app, officer["user"])
    data = xlsx([row("web-1"), resource_row("web-1"), row("web-2", frequency="nunca")], officer["name"])
    res = _check(app, data)
    assert res.status_code == 200
    assert "No se ha guardado nada todavía." in res.body
    assert "Fila 4, columna Frecuencia de actualización:" in res.body
    assert model.Session.query(model.Package).count() == 0
    assert not stale.exists()  # uploads older than job_ttl are removed
    res = _confirm(app, res.body)
    assert res.status_code == 302
    page = app.get(res.headers["Location"])
    assert "Carga terminada." in page.body and "Filas procesadas: 2 de 2; errores hasta ahora: 1" in page.body
    assert "Fila 4, columna Frecuencia de actualización:" in page.body
    assert model.Package.get("web-1") is not None and model.Package.get("web-2") is None


def _worker_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.ckan_config("ckanext.sach.bulk.sync_max_datasets", 0)
def test_large_load_runs_in_a_real_rq_worker_with_progress(app, officer):
    from ckan.lib import jobs as ckan_jobs

    queue = ckan_jobs.get_queue()
    queue.empty()
    login(app, officer["user"])
    rows = []
    for i in range(12):
        rows += [row(f"lote-{i}"), resource_row(f"lote-{i}")]
    res = _confirm(app, _check(app, xlsx(rows, officer["name"])).body)
    job_url = res.headers["Location"]
    page = app.get(job_url)
    assert "En espera de que empiece la carga" in page.body
    assert 'src="/carga-masiva/progreso.js"' in page.body
    assert "window.location.reload" in app.get("/carga-masiva/progreso.js").body
    assert [j.func_name for j in queue.jobs] == ["ckanext.sach.bulk.jobs.run_load"]
    ckan = str(Path(sys.executable).with_name("ckan"))
    done = subprocess.run([ckan, "-c", str(ROOT / "test.ini"), "jobs", "worker", "--burst"], cwd=ROOT,
                          env=_worker_env(), capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    page = app.get(job_url)
    assert "Carga terminada." in page.body, page.body[-3000:]
    assert "Filas procesadas: 12 de 12; errores hasta ahora: 0" in page.body
    progress = json.loads(app.get(job_url + ".json").body)
    assert progress["status"] == "done" and progress["report"]["created"] == [f"lote-{i}" for i in range(12)]
    model.Session.expire_all()
    assert model.Session.query(model.Package).filter(model.Package.name.like("lote-%")).count() == 12
