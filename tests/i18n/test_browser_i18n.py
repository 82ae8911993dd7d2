"""In a real Chromium (Playwright) against the live test server:

- a visit to the public pages asks nothing of a third party (every request the
  page makes, intercepted, goes to the site's own host; the only exception is
  a logo URL an officer entered for a dependencia or tema);
- "Acerca de" and the 404 and 403 error pages, at 360×800 and 1280×900, in
  Spanish and English, have no critical or serious axe-core violation, say
  what they are in the page's language and fit the viewport.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import needs_chromium, page_problems
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


@pytest.fixture(scope="module", autouse=True)
def _no_rate_limit_left() -> None:
    """``live`` sends a participation request: no earlier run's rate limit may refuse it.
    (``live`` loads the plugins, all at once; test.ini leaves linked files unscanned.)"""
    from ckan.lib.redis import connect_to_redis

    redis = connect_to_redis()
    for key in redis.scan_iter(match="*:sach:requests:rate:*"):
        redis.delete(key)


def _officer_chosen_images() -> set[str]:
    """Logo URLs that officers entered for dependencias and temas (CKAN's
    factories give them random picsum.photos / dummyimage.com addresses):
    content, shown where the officer pointed; every other request must stay
    on the site."""
    from ckan import model

    return {url for (url,) in model.Session.query(model.Group.image_url) if url}


def test_public_pages_make_no_third_party_request(live, browser):
    allowed = _officer_chosen_images()
    site = urlsplit(live["base"]).netloc
    foreign: dict[str, list[str]] = {}
    seen = 0
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    current = {"page": ""}

    def route(route):
        nonlocal seen
        seen += 1
        host = urlsplit(route.request.url).netloc
        if host == site:
            route.continue_()
            return
        if route.request.url not in allowed:
            foreign.setdefault(current["page"], []).append(route.request.url)
        route.abort()  # nothing leaves this machine

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        for prefix in ("", "/en"):
            for _, path in public_pages(live):
                current["page"] = prefix + path
                response = page.goto(live["base"] + prefix + path, wait_until="networkidle")
                assert response is not None and response.status == 200, (path, response and response.status)
    finally:
        context.close()
    assert seen > 2 * len(public_pages(live)), "the interception saw no sub-requests"
    assert not foreign, json.dumps(foreign, indent=2)


PAGES = [
    # (path, expected status, heading text in es, in en)
    ("/about", 200, "Acerca de este catálogo", "About this catalogue"),
    ("/dataset/no-existe-este", 404, "Página no encontrada", "Page not found"),
    ("/calidad", 403, "Acceso no permitido", "Access not allowed"),
]


@pytest.mark.parametrize(("width", "height"), WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_about_and_error_pages_accessible(live, browser, width, height, prefix):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: dict[str, Any] = {}
    lang = "en" if prefix else "es"
    try:
        for path, status, heading_es, heading_en in PAGES:
            url = live["base"] + prefix + path
            response = page.goto(url)
            assert response is not None and response.status == status, (url, response and response.status)
            assert page.locator("html").get_attribute("lang") == lang
            assert (heading_en if prefix else heading_es) in page.locator("h1").first.inner_text()
            found = page_problems(page, width)
            if found:
                problems[prefix + path] = found
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
