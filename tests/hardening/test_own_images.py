"""Pages never make a citizen's browser fetch an image from another site: logos that officers
link from elsewhere are left out (and the page's CSP allows images from the site only); logos the
portal serves itself are shown."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.sach.web.images import is_own_url
from tests.factories import dataset_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FOREIGN = "https://imagenes.example.net/logo-tesoreria.png"


def test_foreign_logos_are_left_out_of_every_page(app: Any) -> None:
    org = factories.Organization(title="Tesorería Municipal", image_url=FOREIGN)
    tema = factories.Group(title="Finanzas", image_url=FOREIGN)
    dataset = dataset_of(org, groups=[{"name": tema["name"]}])
    for url in ("/organization/", f"/organization/{org['name']}", "/group/", f"/group/{tema['name']}",
                f"/dataset/{dataset['name']}", f"/dataset/groups/{dataset['name']}"):
        page = app.get(url)
        assert page.status_code == 200, url
        assert "imagenes.example.net" not in page.body, url
        csp = page.headers["Content-Security-Policy"]
        img_src = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
        assert img_src.split()[1:] == ["'self'", "data:"], csp


def test_logos_served_by_the_portal_are_shown(app: Any) -> None:
    own = tk.config["ckan.site_url"].rstrip("/") + "/uploads/group/logo-dif.png"
    org = factories.Organization(title="Sistema Municipal DIF", image_url=own)
    # an uploaded file is stored by name and served from the site's /uploads/group/
    tema = factories.Group(title="Salud", image_url="2026-12-06-salud.png")
    assert f'src="{own}"' in app.get(f"/organization/{org['name']}").body
    assert '/uploads/group/2026-12-06-salud.png"' in app.get(f"/group/{tema['name']}").body


@pytest.mark.parametrize(("url", "own"), [
    ("/uploads/group/a.png", True),
    ("uploads/a.png", True),
    ("http://127.0.0.1:5000/uploads/a.png", True),
    ("HTTP://127.0.0.1:5000/a.png", True),
    ("https://127.0.0.1:5000/a.png", False),
    ("//evil.example/a.png", False),
    ("http://127.0.0.1:5000.evil.example/a.png", False),
    ("https://dummyimage.com/1x1", False),
])
def test_which_urls_are_the_sites_own(url: str, own: bool) -> None:
    assert is_own_url(url, "http://127.0.0.1:5000") is own
