"""Every number a visitor sees on a list (home cards, dependencias list,
temas list) equals the number of datasets the same visitor finds by
following its link: private datasets count only for members, drafts and
microsite records never."""
from __future__ import annotations

import html
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.helpers import PASSWORD, login, sysadmin_context

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    # linked files are not downloaded for a personal-data scan here (no network)
    pytest.mark.ckan_config("ckanext.sach.privacy.scan_links", False),
]

ITEM = re.compile(r'<li class="dataset-item')


@pytest.fixture
def catalogue(make_dataset, make_content):
    org = factories.Organization(name="transparencia", title="Coordinación General de Transparencia")
    other = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    group = factories.Group(name="finanzas", title="Finanzas públicas")
    editor = factories.User(password=PASSWORD)
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": org["id"], "username": editor["name"], "role": "editor"})
    groups = [{"name": group["name"]}]
    make_dataset(org, groups=groups)
    make_dataset(org)
    make_dataset(org, private=True, groups=groups)
    make_dataset(other, groups=groups)
    draft = make_dataset(org, state="draft")
    assert tk.get_action("package_show")(sysadmin_context(), {"id": draft["id"]})["state"] == "draft"
    make_content("informacion_util", org)
    make_content("plan_publicacion", org)
    return {"editor": editor}


def _found(app, url: str) -> int:
    body = app.get(url).body
    return len(ITEM.findall(body))


def _cards(body: str, kind: str) -> dict[str, int]:
    """{link: number} of the cards of /organization/ or /group/."""
    out = {}
    for li in body.split('<li class="media-item')[1:]:
        href = re.search(rf'href="(/{kind}/[^"?]+)"', li).group(1)
        n = int(re.search(r'class="count">(\d+) conjuntos? de datos', li).group(1))
        out[href] = n
    return out


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 2), ("editor", 3)])
def test_dependencias_list_counts_what_the_visitor_opens(app, catalogue, who, expected):
    if who == "editor":
        login(app, catalogue["editor"])
    cards = _cards(app.get("/organization/").body, "organization")
    assert cards["/organization/transparencia"] == expected
    assert cards["/organization/tesoreria"] == 1
    for href, n in cards.items():
        assert _found(app, href) == n, href


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 2), ("editor", 3)])
def test_temas_list_counts_what_the_visitor_opens(app, catalogue, who, expected):
    if who == "editor":
        login(app, catalogue["editor"])
    cards = _cards(app.get("/group/").body, "group")
    assert cards["/group/finanzas"] == expected
    for href, n in cards.items():
        assert _found(app, href) == n, href


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 2), ("editor", 3)])
def test_home_cards_count_what_the_visitor_opens(app, catalogue, who, expected):
    if who == "editor":
        login(app, catalogue["editor"])
    body = app.get("/").body
    pairs = re.findall(r'<li><a href="([^"]+)">[^<]+</a> <span class="sach-count">(\d+) conjuntos?</span>', body)
    shown = {html.unescape(href): int(n) for href, n in pairs}
    assert shown["/dataset/?organization=transparencia"] == expected
    assert shown["/dataset/?groups=finanzas"] == expected
    for href, n in shown.items():
        assert _found(app, href) == n, href
