"""Estimated facet counts as a visitor sees them, in a real Chromium (Debian's, through
Playwright) against a live CKAN server: a broad search over more matches than
`ckanext.sach.search.facet_sample_size` shows "≈" before each filter count and one note above the
filters, read out as "aproximadamente" by a screen reader; a narrow search shows neither. At 360
and 1280 px, with no serious axe-core violation and nothing wider than the screen. Screenshots in
``test-artifacts/screens/filtros-aproximados-*``."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live_site, needs_chromium, page_problems
from tests.search.test_facet_sample import TOTAL, build_catalogue

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "test-artifacts" / "screens"
SAMPLE = {"ckanext.sach.search.facet_sample_size": 6, "ckanext.sach.search.cache_seconds": 0}

pytestmark = [needs_chromium, pytest.mark.usefixtures("with_plugins")]


@pytest.fixture(scope="module")
def live(reset_db: Any, reset_index: Any) -> Iterator[str]:
    with live_site(reset_db, reset_index, SAMPLE) as base:
        build_catalogue()
        yield base


@pytest.fixture(autouse=True)
def _sample_settings(ckan_config: Any, monkeypatch: Any) -> None:
    for key, value in SAMPLE.items():
        monkeypatch.setitem(ckan_config, key, value)


@pytest.mark.parametrize(("width", "height"), [(360, 800), (1280, 900)])
def test_broad_search_marks_estimates(live: str, browser: Any, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="es-MX")
    page = context.new_page()
    try:
        page.goto(f"{live}/dataset/?q=presupuesto")
        assert f"{TOTAL} conjuntos de datos encontrados" in " ".join(page.inner_text("[role=main]").split())
        note = page.locator(".sach-facets-note")
        assert note.count() == 1
        assert "Cifras aproximadas" in note.inner_text()
        badges = page.locator(".item-count.badge")
        assert badges.count() >= 3
        for text in badges.all_inner_texts():
            assert text.strip().startswith("≈"), text
        # the screen reader hears the word, not the sign
        link = page.locator(".nav-facet a").first
        assert "aproximadamente" in (link.text_content() or "")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"filtros-aproximados-{width}.png"), full_page=True)
        assert page_problems(page, width) == {}

        page.goto(f"{live}/dataset/?q=alumbrado")
        assert page.locator(".sach-facets-note").count() == 0
        assert all(not t.strip().startswith("≈")
                   for t in page.locator(".item-count.badge").all_inner_texts())
    finally:
        context.close()
