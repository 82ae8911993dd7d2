"""The site as configured (test.ini plugins, scheming schema, the sach facets): its dataset search
page filters by every facet it shows, and each facet count is what the filter then lists."""
from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ckan.tests import factories

from tests.factories import SachDatasetFactory

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

_FACET_LINK = re.compile(
    r'<a[^>]*href="(/dataset/\?[^"]+)"[^>]*>.*?<span class="item-count badge">(\d+)</span>',
    re.S,
)
_DATASET_LINK = re.compile(r'href="/dataset/([a-z0-9_-]+)"')

DATASETS = [
    ("presupuesto-egresos-2024", "tesoreria", {
        "title": "Presupuesto de egresos 2024", "sector": "finanzas-y-contrataciones",
        "frequency": "R/P1Y", "tag_string": "presupuesto,egresos",
        "spatial_coverage": [{"place": "21119"}],
    }),
    ("consultas-medicas-dif", "dif", {
        "title": "Consultas médicas del DIF", "sector": "salud", "frequency": "R/P1M",
        "tag_string": "salud,consultas", "spatial_coverage": [{"place": "san-rafael-comac"}],
        "license_id": "cc-by-4.0",
        "resources": [{"url": "https://sach.gob.mx/datos/consultas.json", "name": "Consultas",
                       "format": "JSON"}],
    }),
    ("padron-proveedores", "tesoreria", {
        "title": "Padrón de proveedores", "sector": "finanzas-y-contrataciones",
        "frequency": "R/P3M", "tag_string": "proveedores,presupuesto",
        "spatial_coverage": [{"place": "santa-maria-tonantzintla"}],
    }),
]


def _facet_links(body: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(count)) for url, count in _FACET_LINK.findall(body)]


def _listed(body: str) -> set[str]:
    names = {DATASET for DATASET, _org, _fields in DATASETS}
    return {n for n in _DATASET_LINK.findall(body) if n in names}


def test_search_page_filters_by_every_facet_it_shows(app: Any) -> None:
    sysadmin = factories.Sysadmin()
    orgs = {
        "tesoreria": factories.Organization(name="tesoreria", title="Tesorería Municipal"),
        "dif": factories.Organization(name="dif", title="Sistema Municipal DIF"),
    }
    factories.Group(name="finanzas", title="Finanzas")
    for name, org, fields in DATASETS:
        groups = [{"name": "finanzas"}] if name != "consultas-medicas-dif" else None
        SachDatasetFactory(user=sysadmin, name=name, owner_org=orgs[org]["id"], groups=groups, **fields)

    page = app.get("/dataset/")
    assert page.status_code == 200
    assert _listed(page.body) == {n for n, _o, _f in DATASETS}
    links = _facet_links(page.body)
    shown = {key for url, _count in links for key, _value in parse_qsl(urlsplit(url).query)}
    assert len(links) >= 15
    # every facet declared by the site (organization, groups, sector, frequency, place,
    # res_format, license_id, tags) has items for this catalogue
    assert {"organization", "groups", "sector", "frequency", "place", "res_format",
            "license_id", "tags"} <= shown
    for url, count in links:
        filtered = app.get(url)
        assert filtered.status_code == 200, url
        assert len(_listed(filtered.body)) == count, url
        # and the filter combines with free text
        narrowed = app.get(url + "&q=presupuesto")
        assert narrowed.status_code == 200, url
        assert _listed(narrowed.body) <= _listed(filtered.body), url
