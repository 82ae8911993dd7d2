"""Spanish by default, English available, through the Babel catalogues."""
from __future__ import annotations

import re

import pytest

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# English phrases of CKAN core templates that CKAN's `es` catalogue leaves untranslated
ENGLISH_LEFTOVERS = [
    "Skip to main content", "Navigate to", "Filter by:", "Search datasets by",
    "There is no description", "Remove applied filter", "Open details page",
    "Current resource:", "Resource URL:",
]


def _visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return html


@pytest.fixture
def catalogue(make_dataset):
    org = factories.Organization(name="tesoreria", title="Tesorería Municipal", description="")
    group = factories.Group(name="finanzas-publicas", title="Finanzas públicas")
    make_dataset(org, name="presupuesto-2024", title="Presupuesto 2024", groups=[{"name": group["name"]}])
    return org


@pytest.mark.parametrize("url", [
    "/", "/dataset/", "/dataset/?organization=tesoreria", "/dataset/presupuesto-2024",
    "/organization/", "/organization/tesoreria", "/group/", "/gobierno-abierto/",
    "/gobierno-abierto/participacion",
])
def test_public_pages_have_no_english_core_strings(app, catalogue, url):
    body = _visible(app.get(url).body)
    assert '<html lang="es"' in body
    for phrase in ENGLISH_LEFTOVERS:
        assert phrase not in body, f"{phrase!r} left in English on {url}"


def test_dependencias_and_temas_are_named_as_such(app, catalogue):
    body = app.get("/dataset/").body
    assert ">Dependencias<" in body or "Dependencias</h2>" in body
    assert "Organizaciones" not in body
    assert "Grupos" not in body


def test_english_is_available(app, catalogue):
    body = app.get("/en/").body
    assert '<html lang="en"' in body
    assert "Open data of San Andrés Cholula" in body
    assert "Skip to main content" in body
    assert "1 dataset" in body
    body = app.get("/en/gobierno-abierto/participacion").body
    assert "Send a request or comment" in body
    assert "National Transparency Platform" in body


SPANISH = re.compile(r"[áéíóúñ¿¡]|\b(el|la|los|las|de|del|que|una?|para|sin|por|con|su|sus)\b", re.I)


def test_every_spanish_message_has_an_english_translation():
    """The extension writes its messages in Spanish (the default locale); the `en`
    catalogue must translate every one, or the English UI shows Spanish."""
    import os

    from babel.messages.pofile import read_po

    import ckanext.sach

    po = os.path.join(os.path.dirname(ckanext.sach.__file__), "i18n", "en", "LC_MESSAGES", "ckanext-sach.po")
    with open(po, "rb") as f:
        catalog = read_po(f, locale="en")
    missing = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if ids[0] and SPANISH.search(ids[0]) and not all(strings):
            missing.append(ids[0])
    assert missing == []
