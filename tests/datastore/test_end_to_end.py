"""The whole path of issue #16, as a citizen and a developer meet it: an officer uploads a table
and the dataset's data dictionary over HTTP, a real jobs worker scans and loads them
(ckanext-xloader), and then, on the site served by gunicorn, the resource page's preview
shows the rows under the dictionary's labels in a real Chromium and ``datastore_search``
returns the descriptions. For a CSV and for an XLSX.
"""
from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.browser import needs_chromium
from tests.datastore.test_load import make_dataset, upload, xlsx_bytes

pytestmark = [
    needs_chromium,
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

DICTIONARY = ("Campo,Etiqueta,Tipo,Descripción\n"
              "anio,Año,entero,Año del ejercicio fiscal\n"
              "concepto,Concepto del gasto,texto,Concepto según el clasificador por objeto del gasto\n"
              "monto,Monto aprobado,número,Monto aprobado en pesos mexicanos\n").encode()
HEADER = ["anio", "concepto", "monto"]
ROWS = [[2024, "Pavimentación de la calle 5 de Mayo", 1234567.5], [2024, "Alumbrado público", 98765.1]]


def _csv() -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in ROWS]
    return ("\n".join(lines) + "\n").encode()


FILES = {"csv": ("presupuesto.csv", "CSV", _csv), "xlsx": ("presupuesto.xlsx", "XLSX",
                                                          lambda: xlsx_bytes(HEADER, ROWS))}


def _publish(app: Any, officer: dict[str, Any], pkg: dict[str, Any]) -> None:
    """Public once its files are scanned and loaded (a citizen opens it without signing in)."""
    app.post("/api/3/action/package_patch", json={"id": pkg["id"], "private": False},
             headers=officer["headers"], status=200)


def _preview_headings(browser: Any, base: str, path: str) -> list[str]:
    """The column headings of the table preview embedded in the resource page.

    The served site keeps test.ini's ``ckan.site_url`` (the jobs rewrite it to the served
    address), so its pages' absolute links (the preview's iframe) name that host, and its
    Content-Security-Policy allows frames of that origin only: the browser opens the site
    under that name and every request to it is answered by the served site."""
    from ckan.common import config

    site = config["ckan.site_url"].rstrip("/")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    context.route(f"{site}/**", lambda route: route.fulfill(
        response=route.fetch(url=base + route.request.url[len(site):])))
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(site + path)
        frame = page.frame_locator("iframe").first
        frame.locator("#dtprv tbody td:has-text('Pavimentación de la calle 5 de Mayo')").wait_for()
        frame.locator("#dtprv tbody td:has-text('Alumbrado público')").wait_for()
        return frame.locator("#dtprv_wrapper thead tr:first-child th").all_inner_texts()
    finally:
        context.unroute_all(behavior="ignoreErrors")  # requests still in flight end with the page
        context.close()


@pytest.mark.parametrize("kind", sorted(FILES))
def test_uploaded_table_is_previewed_with_the_dictionary_and_described_by_the_api(
        app, officer, run_jobs, served, browser, kind):
    filename, fmt, make = FILES[kind]
    pkg = make_dataset(officer["org"], private=True)
    upload(app, officer, pkg["id"], DICTIONARY, "diccionario.csv", "CSV", resource_role="data_dictionary",
           name="Diccionario de datos")
    res = upload(app, officer, pkg["id"], make(), filename, fmt)
    log = run_jobs()
    _publish(app, officer, pkg)
    base = served["url"]
    views = requests.get(f"{base}/api/3/action/resource_view_list", params={"id": res["id"]}, timeout=30).json()
    table = [v for v in views["result"] if v["view_type"] == "datatables_view"]
    assert table, f"no table preview was created; the worker said:\n{log[-3000:]}"
    headings = _preview_headings(browser, base, f"/dataset/{pkg['name']}/resource/{res['id']}?view_id={table[0]['id']}")
    assert {"Año", "Concepto del gasto", "Monto aprobado"} <= {h.strip() for h in headings}, headings
    # a developer, anonymous, over HTTP
    answer = requests.post(f"{base}/api/3/action/datastore_search",
                           json={"resource_id": res["id"], "q": "Alumbrado"}, timeout=30).json()
    assert answer["success"], answer
    assert [r["concepto"] for r in answer["result"]["records"]] == ["Alumbrado público"]
    notes = {f["id"]: (f.get("info") or {}).get("notes") for f in answer["result"]["fields"]}
    assert notes["monto"] == "Monto aprobado en pesos mexicanos"
    assert notes["anio"] == "Año del ejercicio fiscal"
