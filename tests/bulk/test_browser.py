"""The web load in a real browser (Debian's Chromium through Playwright) against a live CKAN
server: upload → dry-run report with the planted error → confirm → the progress page, refreshed
by its script while a real ``ckan jobs worker`` process runs the job → the final report. axe-core:
no serious or critical violation. Screenshots in ``test-artifacts/screens/carga-masiva-*``."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ckan import model
from ckan.tests import factories

from tests.browser import axe_serious, live_site, needs_chromium
from tests.helpers import PASSWORD

from .conftest import ORG, resource_row, row, xlsx

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "test-artifacts" / "screens"

pytestmark = [
    needs_chromium,
    pytest.mark.usefixtures("with_plugins"),
]


@pytest.fixture(scope="module")
def live(reset_db, reset_index) -> Iterator[dict[str, Any]]:
    with live_site(reset_db, reset_index) as base:
        user = factories.User(password=PASSWORD, fullname="Oficial de datos de Tesorería")
        factories.Organization(name=ORG, title="Tesorería Municipal",
                               users=[{"name": user["name"], "capacity": "editor"}])
        yield {"base": base, "user": user}


@pytest.fixture(autouse=True)
def _live_settings(request, ckan_config, monkeypatch):
    if "live" in request.fixturenames:
        monkeypatch.setitem(ckan_config, "ckan.site_url", request.getfixturevalue("live")["base"])
    monkeypatch.setitem(ckan_config, "ckanext.sach.bulk.sync_max_datasets", 5)


def _axe(page: Any, name: str, problems: dict[str, Any]) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"carga-masiva-{name}.png"), full_page=True)
    serious = [v["id"] for v in axe_serious(page, tags=("wcag2a", "wcag2aa"))]
    if serious:
        problems[name] = serious


def test_web_load_with_progress_and_report(live, browser, tmp_path):
    from ckan.lib import jobs as ckan_jobs

    ckan_jobs.get_queue().empty()
    rows = []
    for i in range(30):
        rows += [row(f"navegador-{i:02d}"), resource_row(f"navegador-{i:02d}")]
    rows.append(row("navegador-mala", frequency="cuando se pueda"))
    upload = tmp_path / "inventario.xlsx"
    upload.write_bytes(xlsx(rows, live["user"]["name"]))

    problems: dict[str, Any] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(live["base"] + "/user/login")
    page.fill("#field-login", live["user"]["name"])
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.locator("#field-password").press("Enter")

    page.goto(f"{live['base']}/carga-masiva/{ORG}")
    _axe(page, "inicio", problems)
    page.set_input_files("#bulk-file", str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="Revisar el archivo").click()
    assert page.locator("#bulk-errors li").all_inner_texts() == [
        t for t in page.locator("#bulk-errors li").all_inner_texts() if t.startswith("Fila 62, columna Frecuencia")]
    assert page.locator("#bulk-errors li").count() == 1
    assert "No se ha guardado nada todavía." in page.content()
    _axe(page, "revision", problems)
    assert model.Session.query(model.Package).filter(model.Package.name.like("navegador-%")).count() == 0

    with page.expect_navigation():
        page.get_by_role("button", name="Confirmar la carga de 30 conjuntos").click()
    assert "En espera de que empiece la carga" in page.locator("#bulk-status").inner_text()
    assert page.locator("#bulk-progress").get_attribute("max") == "31"
    _axe(page, "espera", problems)

    ckan = str(Path(sys.executable).with_name("ckan"))
    worker = subprocess.Popen([ckan, "-c", str(ROOT / "test.ini"), "jobs", "worker", "--burst"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen: list[int] = []
        deadline = time.monotonic() + 240
        while "Carga terminada." not in page.locator("#bulk-status").inner_text():
            assert time.monotonic() < deadline, "the load did not finish"
            seen.append(int(page.locator("#bulk-progress").get_attribute("value") or 0))
            page.wait_for_timeout(300)  # progreso.js polls the job and reloads the page at the end
        assert worker.wait(timeout=120) == 0
    finally:
        if worker.poll() is None:
            worker.terminate()
    assert seen == sorted(seen)  # progress never goes back
    assert page.locator("#bulk-progress").get_attribute("value") == "31"
    assert "Filas procesadas: 31 de 31; errores hasta ahora: 1" in page.content()
    summary = page.locator("#bulk-summary").inner_text()
    assert "Creados: 30" in summary and "Con errores (no se guardan): 1" in summary
    first_error = page.locator("#bulk-errors li").first.inner_text()
    assert first_error.startswith("Fila 62, columna Frecuencia de actualización:")
    _axe(page, "informe", problems)
    assert problems == {}
    model.Session.expire_all()
    assert model.Session.query(model.Package).filter(model.Package.name.like("navegador-%")).count() == 30
    context.close()
