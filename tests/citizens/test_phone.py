"""Phone first, in a real Chromium (Playwright) with axe-core: every public
page and the officer pages at 360×800 and 1280×900, in Spanish and English —
no serious/critical axe violation, nothing wider than the viewport; on the
dataset page at 360×800 the title and the first download button lie within
the first screen; "Filtrar resultados" is reached and pressed by keyboard."""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.tests import factories

from tests.browser import needs_chromium, page_problems
from tests.helpers import PASSWORD
from tests.microsite.test_browser import (  # noqa: F401  (pytest fixtures)
    _site_url_is_live_server,
    live,
    public_pages,
)

pytestmark = [
    needs_chromium,
    pytest.mark.usefixtures("with_plugins"),
]

WIDTHS = ((360, 800), (1280, 900))


def _pages(live: dict[str, Any]) -> list[str]:
    return [path for _, path in public_pages(live)] + ["/transparencia/cobertura"]


def _check(page, url: str, width: int) -> dict[str, Any]:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return page_problems(page, width)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_and_officer_pages(live, browser, width, height, prefix):
    officer = factories.Sysadmin(password=PASSWORD)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: dict[str, Any] = {}
    try:
        for path in _pages(live):
            found = _check(page, live["base"] + prefix + path, width)
            if found:
                problems[prefix + path] = found
        # officer pages, signed in through the login form
        page.goto(live["base"] + "/user/login")
        page.fill("#field-login", officer["name"])
        page.fill("#field-password", PASSWORD)
        with page.expect_navigation():
            page.press("#field-password", "Enter")
        for path in ("/calidad", "/transparencia/cobertura"):
            found = _check(page, live["base"] + prefix + path, width)
            if found:
                problems["officer " + prefix + path] = found
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_dataset_page_title_and_download_first_on_a_phone(live, browser, prefix):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="es-MX")
    page = context.new_page()
    try:
        page.goto(f"{live['base']}{prefix}/dataset/{live['dataset']['name']}")
        h1 = page.locator("h1").first.bounding_box()
        download = page.locator(".resource-item a[href*='/download/'], .resource-item a.resource-url-analytics").first
        box = download.bounding_box()
        assert h1 is not None and h1["y"] + h1["height"] <= 800, h1
        assert box is not None and box["y"] + box["height"] <= 800, box
    finally:
        context.close()


def test_filters_reachable_by_keyboard(live, browser):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="es-MX")
    page = context.new_page()
    try:
        page.goto(f"{live['base']}/dataset/?q=presupuesto")
        button = page.locator(".show-filters")
        assert button.count() == 1
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('show-filters')"):
                break
        else:
            pytest.fail("'Filtrar resultados' is never focused by Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.body.classList.contains('filters-modal')")
    finally:
        context.close()
