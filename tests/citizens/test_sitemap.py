"""Search engines find every public dataset and page of the catalogue through ``/sitemap.xml``
(named in ``robots.txt``), and never a private, draft or deleted one."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.factories import dataset_of
from tests.helpers import sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _get_xml(app: Any, url: str) -> ElementTree.Element:
    path = urlsplit(url).path
    res = app.get(path)
    assert res.status_code == 200, (path, res.status_code)
    assert res.headers["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(res.body.encode("utf-8"))


def _all_urls(app: Any) -> tuple[list[str], list[str]]:
    robots = app.get("/robots.txt").body
    index_url = next(line.split(": ", 1)[1].strip() for line in robots.splitlines() if line.startswith("Sitemap:"))
    assert index_url == tk.config["ckan.site_url"].rstrip("/") + "/sitemap.xml"
    index = _get_xml(app, index_url)
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    sitemaps = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    urls: list[str] = []
    for sitemap in sitemaps:
        urls += [loc.text for loc in _get_xml(app, sitemap).findall("s:url/s:loc", NS)]
    return sitemaps, urls


@pytest.fixture
def catalogue() -> dict[str, Any]:
    org = factories.Organization(title="Dirección de Protección Civil")
    tema = factories.Group(title="Seguridad")
    public = [dataset_of(org, groups=[{"name": tema["name"]}]) for _ in range(3)]
    private = dataset_of(org, private=True)
    draft = dataset_of(org, state="draft")
    deleted = dataset_of(org)
    call_action("package_delete", context=sysadmin_context(), id=deleted["id"])
    gone_org = factories.Organization()
    call_action("organization_delete", context=sysadmin_context(), id=gone_org["id"])
    return {"org": org, "tema": tema, "public": public, "hidden": [private, draft, deleted],
            "gone_org": gone_org}


def test_the_sitemap_lists_what_anyone_can_open_and_nothing_hidden(app: Any, catalogue) -> None:
    _, urls = _all_urls(app)
    paths = {urlsplit(u).path for u in urls}
    for dataset in catalogue["public"]:
        assert f"/dataset/{dataset['name']}" in paths
    for dataset in catalogue["hidden"]:
        assert not any(dataset["name"] in p for p in paths), dataset["name"]
    assert f"/organization/{catalogue['org']['name']}" in paths
    assert f"/group/{catalogue['tema']['name']}" in paths
    assert f"/organization/{catalogue['gone_org']['name']}" not in paths
    assert {"/", "/dataset/", "/gobierno-abierto/"} <= paths
    # every listed page opens for an anonymous visitor
    for path in sorted(paths):
        assert app.get(path).status_code == 200, path


@pytest.mark.ckan_config("ckanext.sach.sitemap.page_size", 2)
def test_large_catalogues_are_split_and_every_dataset_appears_once(app: Any, catalogue) -> None:
    sitemaps, urls = _all_urls(app)
    dataset_sitemaps = [s for s in sitemaps if "conjuntos" in s]
    assert len(dataset_sitemaps) == 2
    listed = [u for u in urls if "/dataset/" in u and not u.endswith("/dataset/")]
    assert sorted(listed) == sorted(set(listed)) and len(listed) == 3
    assert app.get("/sitemap-conjuntos-3.xml").status_code == 404
    assert app.get("/sitemap-conjuntos-0.xml").status_code == 404


def test_lastmod_is_the_datasets_last_change(app: Any, catalogue) -> None:
    dataset = catalogue["public"][0]
    root = _get_xml(app, "/sitemap-conjuntos-1.xml")
    entry = next(u for u in root.findall("s:url", NS) if u.find("s:loc", NS).text.endswith(dataset["name"]))
    assert entry.find("s:lastmod", NS).text == dataset["metadata_modified"][:10]
