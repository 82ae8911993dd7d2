"""Spanish by default, English available, through the Babel catalogues."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
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


# --- the editable microsite texts in English -------------------------------------------------

def _section(body: str, name: str) -> str:
    start = body.index(f'aria-labelledby="text-{name}"')
    return body[start:body.index("</section>", start)]


def test_microsite_text_in_english_on_en_pages_spanish_marked_as_fallback(app, make_content):
    org = factories.Organization()
    make_content("texto_micrositio", org, name="principios", section="datos_abiertos", position=1,
                 title="Principios", notes="Abiertos **por defecto**.",
                 title_en="Principles", notes_en="Open **by default**.")
    make_content("texto_micrositio", org, name="estrategia", section="datos_abiertos", position=2,
                 title="Estrategia de datos abiertos", notes="Publicamos con la Guía.")

    spanish = app.get("/gobierno-abierto/datos-abiertos").body
    translated = _section(spanish, "principios")
    assert ">Principios</h2>" in translated and "<strong>por defecto</strong>" in translated
    assert "Principles" not in spanish
    assert 'lang="es"' not in _section(spanish, "estrategia")  # the page itself is Spanish

    english = app.get("/en/gobierno-abierto/datos-abiertos").body
    translated = _section(english, "principios")
    assert ">Principles</h2>" in translated and "<strong>by default</strong>" in translated
    assert "Principios" not in translated and 'lang="es"' not in translated
    fallback = _section(english, "estrategia")
    assert re.search(r'<h2 id="text-estrategia" lang="es">Estrategia de datos abiertos</h2>', fallback)
    assert re.search(r'<div class="sach-markdown" lang="es">\s*<p>Publicamos con la Guía.</p>', fallback)


def test_english_text_fields_are_optional_and_stored(make_content):
    org = factories.Organization()
    text = make_content("texto_micrositio", org, title="Solo en español", notes="Texto.")
    assert not text.get("title_en") and not text.get("notes_en")
    text = make_content("texto_micrositio", org, title="Principios", notes="Texto.",
                        title_en="  Principles  ", notes_en="Text.")
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": text["id"]})
    assert shown["title_en"] == "Principles" and shown["notes_en"] == "Text."


def test_spanish_content_is_marked_on_english_pages(app, catalogue):
    body = app.get("/en/dataset/presupuesto-2024").body
    assert re.search(r'<h1>\s*<span lang="es">Presupuesto 2024</span>', body)
    assert '<div class="notes embedded-content" lang="es">' in body
    body = app.get("/en/dataset/").body
    assert re.search(r'<a href="/en/dataset/presupuesto-2024" lang="es">Presupuesto 2024</a>', body)
    assert '<span class="item-label" lang="es">Tesorería Municipal</span>' in body
    body = app.get("/en/organization/").body
    assert '<h2 class="media-heading" lang="es">Tesorería Municipal</h2>' in body
    body = app.get("/en/").body
    assert re.search(r'lang="es">Presupuesto 2024</a>', body)
    # on Spanish pages the same content needs no mark
    assert 'lang="es">Presupuesto 2024' not in app.get("/dataset/presupuesto-2024").body
