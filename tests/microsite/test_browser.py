"""Real-browser tests: Debian's Chromium driven by Playwright, against a live
CKAN server (the test app served by werkzeug in a thread).

Flows: search from home, filter by a facet, open a dataset, download a
resource, submit a request and see it listed. Every public page at 360 px and
1280 px (screenshots in ``test-artifacts/screens/``) and checked with axe-core:
no serious or critical violation.
"""
from __future__ import annotations

import io
import json
import os
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server

import ckan.plugins.toolkit as tk
from ckan.common import config
from ckan.tests import factories

from tests.helpers import sysadmin_context

CHROMIUM = os.environ.get("SACH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")
SCREENS = os.path.abspath(os.path.join(ARTIFACTS, "screens"))
WIDTHS = (360, 1280)

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not installed (make browser)"),
    pytest.mark.usefixtures("with_plugins"),
]

CSV = b"colonia,licencias\nCentro,120\nTlaxcalancingo,85\n"


def _dataset(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    import copy

    from tests.microsite.conftest import DATASET

    data = copy.deepcopy(DATASET)
    data.update(owner_org=org["id"], **fields)
    return tk.get_action("package_create")(sysadmin_context(), data)


@pytest.fixture(scope="module")
def live(reset_db, reset_index, migrate_db_for) -> Iterator[dict[str, Any]]:
    """A catalogue with datasets, microsite content and a request, served live."""
    import ckan.plugins as p
    from ckan.tests.helpers import _get_test_app

    from ckanext.sach.microsite import content

    # all at once: a plugin's chained actions need their parents (activity) loaded with it
    missing = [name for name in config["ckan.plugins"] if not p.plugin_loaded(name)]
    if missing:
        p.load(*missing)
    reset_db()
    reset_index()
    content.invalidate()
    # `ckan run` builds the JavaScript translations (/api/i18n/es); a WSGI server does not
    from ckan.lib.i18n import build_js_translations

    build_js_translations()
    flask_app = _get_test_app().flask_app
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    old_site_url = config["ckan.site_url"]
    config["ckan.site_url"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        tesoreria = factories.Organization(name="tesoreria", title="Tesorería Municipal",
                                           description="Finanzas del municipio.")
        dif = factories.Organization(name="dif", title="Sistema Municipal DIF",
                                     description="Asistencia social.")
        group = factories.Group(name="finanzas-publicas", title="Finanzas públicas",
                                description="Presupuesto e ingresos.")
        upload = FileStorage(stream=io.BytesIO(CSV), filename="licencias.csv", content_type="text/csv")
        ds = _dataset(
            tesoreria, name="licencias-funcionamiento", title="Licencias de funcionamiento 2024",
            notes="Licencias de funcionamiento por colonia.", tag_string="licencias,comercio",
            groups=[{"name": group["name"]}], resources=[],
            data_dictionary_url="https://sach.gob.mx/datos/diccionario-licencias.csv",
        )
        tk.get_action("resource_create")(sysadmin_context(), {
            "package_id": ds["id"], "name": "Licencias por colonia", "format": "CSV",
            "upload": upload, "url": "",
        })
        ds = tk.get_action("package_show")({"ignore_auth": True}, {"id": ds["id"]})
        _dataset(tesoreria, name="presupuesto-2024", title="Presupuesto de egresos 2024",
                 groups=[{"name": group["name"]}])
        _dataset(dif, name="presupuesto-dif-2024", title="Presupuesto del DIF 2024",
                 notes="Presupuesto del Sistema Municipal DIF.")
        ctx = sysadmin_context()
        tk.get_action("package_create")(ctx, {
            "type": "informacion_util", "name": "pago-predial", "title": "Cómo pagar el predial",
            "notes": "Paga el predial en línea.", "owner_org": tesoreria["id"], "topic": "finanzas-publicas",
            "audience": ["ciudadania"], "info_date": "2025-01-15", "related_datasets": "presupuesto-2024",
        })
        tk.get_action("package_create")(ctx, {
            "type": "plan_publicacion", "name": "plan-deuda", "title": "Deuda pública",
            "owner_org": tesoreria["id"], "target_date": "2025-12-31", "plan_status": "en_preparacion",
        })
        tk.get_action("package_create")(ctx, {
            "type": "actividad_escolar", "name": "taller-sec-55", "title": "Taller en la Secundaria 55",
            "owner_org": tesoreria["id"], "activity_kind": "campana", "school": "Secundaria Técnica 55",
            "school_level": "secundaria", "activity_date": "2025-03-10", "activity_topic": "Cabildo",
            "participants": 40,
        })
        tk.get_action("sach_request_create")({}, {
            "kind": "dataset", "title": "Padrón de mercados", "body": "Solicito el padrón de mercados.",
            "requester_name": "Ana", "requester_email": "ana@example.com",
        })
        yield {"base": base, "dataset": ds, "tesoreria": tesoreria, "group": group}
    finally:
        server.shutdown()
        config["ckan.site_url"] = old_site_url
        for name in reversed(missing):
            if p.plugin_loaded(name):
                p.unload(name)


@pytest.fixture(autouse=True)
def _site_url_is_live_server(request, ckan_config, monkeypatch):
    """CKAN's ``ckan_config`` fixture restores the config after every test, so
    the live server's URL is set again for each one."""
    if "live" in request.fixturenames:
        live = request.getfixturevalue("live")
        monkeypatch.setitem(ckan_config, "ckan.site_url", live["base"])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def public_pages(live: dict[str, Any]) -> list[tuple[str, str]]:
    ds = live["dataset"]
    return [
        ("inicio", "/"),
        ("busqueda", "/dataset/?q=presupuesto"),
        ("conjunto", f"/dataset/{ds['name']}"),
        ("recurso", f"/dataset/{ds['name']}/resource/{ds['resources'][0]['id']}"),
        ("dependencias", "/organization/"),
        ("dependencia", "/organization/tesoreria"),
        ("temas", "/group/"),
        ("tema", "/group/finanzas-publicas"),
        ("acerca", "/about"),
        ("gobierno-abierto", "/gobierno-abierto/"),
        ("informacion-util", "/gobierno-abierto/informacion-util"),
        ("datos-abiertos", "/gobierno-abierto/datos-abiertos"),
        ("ayuntamiento-abierto", "/gobierno-abierto/ayuntamiento-abierto"),
        ("participacion", "/gobierno-abierto/participacion"),
        ("login", "/user/login"),
    ]


def test_search_from_home_filter_open_and_download(live, page, tmp_path):
    base = live["base"]
    page.goto(base + "/")
    page.fill("#home-search-q", "presupuesto")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/dataset/\?q=presupuesto.*"))
    results = page.locator(".dataset-list .dataset-heading a")
    titles = sorted(results.all_inner_texts())
    assert [t.strip() for t in titles] == ["Presupuesto de egresos 2024", "Presupuesto del DIF 2024"]

    # filter by the dependencia facet
    page.locator("a[href*='organization=dif']").first.click()
    page.wait_for_url(re.compile(r".*organization=dif.*"))
    assert [t.strip() for t in results.all_inner_texts()] == ["Presupuesto del DIF 2024"]

    # open a dataset from the home page and download its resource
    page.goto(base + "/")
    page.get_by_role("link", name="Licencias de funcionamiento 2024").first.click()
    page.wait_for_url(re.compile(r".*/dataset/licencias-funcionamiento$"))
    assert page.locator("h1").inner_text().strip().startswith("Licencias de funcionamiento 2024")
    assert "Cómo citar este conjunto de datos" in page.content()
    with page.expect_download() as info:
        page.locator("a.sach-download").first.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == "licencias.csv"
    assert target.read_bytes() == CSV


def test_submit_request_and_see_it_listed(live, page):
    base = live["base"]
    page.goto(base + "/gobierno-abierto/participacion")
    page.get_by_label("Solicitar un conjunto de datos").check()
    page.get_by_label("Asunto").fill("Horarios de recolección de basura")
    page.get_by_label("Describe los datos que necesitas o tu comentario").fill(
        "Quisiera los horarios de recolección por colonia en CSV.")
    page.get_by_label(re.compile(r"^Nombre")).fill("Luis Pérez")
    page.get_by_label("Correo electrónico").fill("luis@example.com")
    page.get_by_label(re.compile("Acepto que el Ayuntamiento")).check()
    with page.expect_navigation(url=re.compile(r".*/gobierno-abierto/participacion(\?folio=\w+)?(#\w+)?$")):
        page.get_by_role("button", name="Enviar").click()
    page.wait_for_load_state()
    assert "Su solicitud quedó registrada con el folio" in page.content()
    listing = page.locator("#solicitudes")
    assert "Horarios de recolección de basura" in listing.inner_text()
    assert "Recibida" in listing.inner_text()
    assert "luis@example.com" not in page.content() and "Luis Pérez" not in page.content()


def test_keyboard_only_skip_link_and_search(live, page):
    page.goto(live["base"] + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Saltar al contenido principal"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-48px"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    # reach the home search box by keyboard and search
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-search-q":
            break
    else:
        pytest.fail("the home search box cannot be reached with the keyboard")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused field shows no focus indicator"
    page.keyboard.type("licencias")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/dataset/\?q=licencias.*"))
    assert "Licencias de funcionamiento 2024" in page.content()


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_screens_and_accessibility(live, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    os.makedirs(SCREENS, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="es-MX")
    page = context.new_page()
    axe = Axe()
    problems: dict[str, Any] = {}
    overflow: list[str] = []
    try:
        for name, path in public_pages(live):
            response = page.goto(live["base"] + path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            page.screenshot(path=os.path.join(SCREENS, f"{name}-{width}.png"), full_page=True)
            # nothing wider than the viewport (no horizontal scrolling at 360 px)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width + 1:
                overflow.append(f"{path}: {scroll_width}px")
            # axe-core on every public page, at both widths
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": [
                "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
            serious = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in results.response["violations"] if v["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[path] = serious
    finally:
        context.close()
    with open(os.path.join(SCREENS, f"axe-{width}.json"), "w") as f:
        json.dump(problems, f, indent=2, ensure_ascii=False)
    assert not overflow, f"horizontal overflow at {width}px: {overflow}"
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
