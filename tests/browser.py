"""The real browser of the browser tests: Debian's Chromium driven by Playwright, and axe-core.

The root ``conftest.py`` loads this module as a pytest plugin, so every test package has:

- ``browser``: one Chromium for the whole run (session scope), launched only when a test asks
  for it; skipped when ``SACH_CHROMIUM`` (default ``/usr/bin/chromium``) is missing
  (``make browser`` installs it);
- ``page``: a new page in a new context for each test (1280×900, ``es-MX``, downloads accepted,
  15 s timeouts), closed afterwards. Tests that need other viewports open their own context
  from ``browser``.

``live_site(reset_db, reset_index)`` serves CKAN's test app (every configured plugin, a fresh
database and index) on a free loopback port for the browser, as a context manager for the
module-scoped ``live`` fixtures. ``axe_serious(page)`` runs axe-core on the page and returns
its serious and critical violations; ``page_problems(page, width)`` adds horizontal overflow.
Modules mark themselves with ``needs_chromium`` to be skipped, not failed, without Chromium.
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "WCAG", "axe_serious", "browser", "live_site", "needs_chromium", "page",
           "page_problems"]

CHROMIUM = os.environ.get("SACH_CHROMIUM", "/usr/bin/chromium")
# No sandbox (containers, root), no GPU, and nothing of Chromium's own traffic (component
# updates, sync, field trials): the tests see only the requests the site's pages make.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SERIOUS = ("serious", "critical")

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"{CHROMIUM} not installed (make browser)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="es-MX")
    new_page = context.new_page()
    new_page.set_default_timeout(15000)
    yield new_page
    context.close()


def axe_serious(page: Page, tags: Iterable[str] = WCAG, nodes: int = 3) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the rules tagged ``tags`` on ``page``: id,
    impact, help and the first ``nodes`` elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": list(tags)}})
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:nodes]}
            for v in results.response["violations"] if v["impact"] in SERIOUS]



def page_problems(page: Page, width: int) -> dict[str, Any]:
    """What a reader ``width`` px wide meets on the page: ``overflow`` (the page's width when it is
    wider than the viewport) and ``axe`` (serious and critical violations); empty when neither."""
    found: dict[str, Any] = {}
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width + 1:
        found["overflow"] = scroll_width
    serious = axe_serious(page)
    if serious:
        found["axe"] = serious
    return found

@contextlib.contextmanager
def live_site(reset_db: Callable[[], None], reset_index: Callable[[], None],
              settings: dict[str, Any] | None = None) -> Iterator[str]:
    """Serve CKAN's test app with every plugin of ``ckan.plugins`` on an emptied database and
    search index, by werkzeug in a thread on a free loopback port; yields its base URL.
    ``ckan.site_url`` (and the options in ``settings``) point at it
    until the block ends; then the server stops, the options come back and the plugins loaded
    here are unloaded. CKAN's ``ckan_config`` restores the configuration after each test: set the
    options again per test (an autouse fixture) while this serves."""
    from werkzeug.serving import make_server

    import ckan.plugins as p
    from ckan.common import config
    from ckan.lib.i18n import build_js_translations
    from ckan.tests.helpers import _get_test_app

    # all at once: a plugin's chained actions need their parents (activity) loaded with it
    names = [name for name in config["ckan.plugins"] if not p.plugin_loaded(name)]
    if names:
        p.load(*names)
    reset_db()
    reset_index()
    build_js_translations()  # `ckan run` builds the JavaScript translations (/api/i18n/es); WSGI does not
    server = make_server("127.0.0.1", 0, _get_test_app().flask_app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    options = {"ckan.site_url": base, **(settings or {})}
    old = {key: config.get(key) for key in options}
    config.update(options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield base
    finally:
        server.shutdown()
        config.update(old)
        for name in reversed(names):
            if p.plugin_loaded(name):
                p.unload(name)
