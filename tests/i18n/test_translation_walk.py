"""One language at a time: walk the public pages and the officer pages in
Spanish and in English (CKAN's test app, a real catalogue in PostgreSQL) and
compare what a person reads or hears (visible text, aria-label, alt, title,
placeholder, button values) with each language's catalogue.

- A word that only the English catalogues use (CKAN's English msgids, this
  extension's ``en`` translations) on a Spanish page fails.
- A word that only the Spanish catalogues use (this extension's Spanish
  msgids, CKAN's ``es`` catalogue) on an English page fails.
- Content is allowed: text inside an element marked with the other
  language (``lang="es"`` on ``/en/`` pages, ``lang="en"`` on Spanish ones),
  and the words of the records the fixture created (titles, descriptions,
  dependencia and tema names, keywords) wherever they appear.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

import ckan
import ckan.plugins.toolkit as tk
from ckan.tests import factories

import ckanext.sach
from tests.helpers import PASSWORD, login, sysadmin_context
from tests.microsite.conftest import (  # noqa: F401  (pytest fixtures)
    _compiled_catalogues,
    _fresh_cache_and_rate_limits,
    make_content,
    make_dataset,
)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

_TOKEN = re.compile(r"[0-9A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sd]|<[^>]+>|&\w+;|https?://\S+|[\w.+-]+@[\w.-]+|/\S*/\S*")
_SKIP_TAGS = {"script", "style", "noscript", "template", "code", "pre"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_READ_ATTRS = ("aria-label", "alt", "title", "placeholder")


def _words(text: str) -> set[str]:
    tokens = _TOKEN.findall(_PLACEHOLDER.sub(" ", text or ""))
    return {t.lower() for t in tokens if len(t) >= 3 and not any(c.isdigit() for c in t)}


def _read_po(path: str, locale: str):
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, (tuple, list)):
        for v in value:
            yield from _texts(v)
    elif value:
        yield str(value)


@pytest.fixture(scope="module")
def vocabularies() -> dict[str, set[str]]:
    """``{"en_only": words, "es_only": words}`` from the catalogues."""
    core = os.path.join(os.path.dirname(ckan.__file__), "i18n")
    ours = os.path.join(os.path.dirname(ckanext.sach.__file__), "i18n")
    core_pot = _read_po(os.path.join(core, "ckan.pot"), "en")
    core_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in core_pot if m.id}
    english: set[str] = set()
    spanish: set[str] = set()
    for m in core_pot:
        for text in _texts(m.id):
            english |= _words(text)
    for m in _read_po(os.path.join(core, "es", "LC_MESSAGES", "ckan.po"), "es"):
        for text in _texts(m.string):
            spanish |= _words(text)
    for m in _read_po(os.path.join(ours, "en", "LC_MESSAGES", "ckanext-sach.po"), "en"):
        for text in _texts(m.string):
            english |= _words(text)
    for m in _read_po(os.path.join(ours, "es", "LC_MESSAGES", "ckanext-sach.po"), "es"):
        first = m.id if isinstance(m.id, str) else (m.id[0] if m.id else "")
        if not first:
            continue
        # this extension writes its msgids in Spanish; CKAN's (English) msgids count by their translation
        source = m.string if first in core_ids else (m.string or m.id)
        for text in _texts(source):
            spanish |= _words(text)
    # the {es:, en:} labels of the schemas and vocabularies (scheming shows them in the page language)
    for es_text, en_text in _yaml_labels():
        spanish |= _words(es_text)
        english |= _words(en_text)
    return {"en_only": english - spanish, "es_only": spanish - english}


def _yaml_labels() -> Iterator[tuple[str, str]]:
    import glob

    import yaml

    base = os.path.dirname(ckanext.sach.__file__)

    def walk(value: Any) -> Iterator[tuple[str, str]]:
        if isinstance(value, dict):
            if isinstance(value.get("es"), str) and isinstance(value.get("en"), str):
                yield value["es"], value["en"]
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    for path in glob.glob(os.path.join(base, "vocab", "*.yaml")) + glob.glob(
            os.path.join(base, "schemas", "**", "*.yaml"), recursive=True):
        with open(path, encoding="utf-8") as f:
            yield from walk(yaml.safe_load(f))


class _Reader(HTMLParser):
    """(text, lang) of everything a person reads or a screen reader says."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.found: list[tuple[str, str | None]] = []

    def _lang(self, own: str | None = None) -> str | None:
        if own:
            return own
        for _, lang, _ in reversed(self.stack):
            if lang:
                return lang
        return None

    def _skipped(self) -> bool:
        return any(skip for _, _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        skip = tag in _SKIP_TAGS or "hidden" in a or a.get("aria-hidden") == "true"
        if not self._skipped() and not skip:
            lang = self._lang(a.get("lang"))
            for name in _READ_ATTRS:
                if a.get(name):
                    self.found.append((a[name], lang))
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self.found.append((a["value"], lang))
        if tag not in _VOID:
            self.stack.append((tag, a.get("lang") or None, skip))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skipped():
            self.found.append((text, self._lang()))


def _read(html: str) -> list[tuple[str, str | None]]:
    reader = _Reader()
    reader.feed(html)
    return reader.found


def _foreign(html: str, page_lang: str, vocab: dict[str, set[str]], content: set[str]) -> list[str]:
    """Texts of ``html`` (in ``page_lang``) carrying a word of the other language."""
    wrong = vocab["en_only"] if page_lang == "es" else vocab["es_only"]
    problems = []
    for text, lang in _read(html):
        if lang and not lang.startswith(page_lang):
            continue  # content marked as being in its own language
        bad = sorted((_words(text) & wrong) - content)
        if bad:
            problems.append(f"{text[:120]!r} ({', '.join(bad)})")
    return problems


def _record_words(*records: dict[str, Any]) -> set[str]:
    words: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key not in ("id", "url", "state", "type", "format"):
            words.update(_words(value))

    for record in records:
        walk(record)
    return words


@pytest.fixture
def catalogue(make_dataset, make_content) -> dict[str, Any]:
    org = factories.Organization(name="tesoreria", title="Tesorería Municipal", description="Finanzas del municipio.")
    group = factories.Group(name="finanzas-publicas", title="Finanzas públicas", description="Presupuesto e ingresos.")
    officer = factories.Sysadmin(password=PASSWORD)
    ds = make_dataset(org, name="presupuesto-2024", title="Presupuesto 2024", groups=[{"name": group["name"]}])
    texts = [
        make_content("texto_micrositio", org, name="que-son-datos", title="Qué son los datos abiertos",
                     notes="Datos que cualquiera puede usar.", section="datos_abiertos",
                     title_en="What open data are", notes_en="Data anyone may use."),
        make_content("texto_micrositio", org, name="estrategia", title="Nuestra estrategia",
                     notes="Publicar lo que sirve a la ciudadanía.", section="gobierno_abierto"),
        make_content("informacion_util", org, name="pago-predial", title="Cómo pagar el predial",
                     notes="Paga el predial en línea."),
    ]
    request = tk.get_action("sach_request_create")({}, {
        "kind": "dataset", "title": "Padrón de mercados", "body": "Solicito el padrón de mercados.",
        "requester_name": "Ana", "requester_email": "ana@example.com",
    })
    ds = tk.get_action("package_show")(sysadmin_context(), {"id": ds["id"]})
    vocab_labels = ds.get("spatial_coverage") or []
    content = _record_words(ds, org, group, *texts, request, {"places": vocab_labels})
    content |= _words(tk.config.get("ckan.site_title") or "")
    return {"dataset": ds, "org": org, "group": group, "officer": officer, "content": content,
            "request": request}


def _public_pages(cat: dict[str, Any]) -> list[str]:
    ds = cat["dataset"]
    return [
        "/", "/dataset/", "/dataset/?q=presupuesto", "/dataset/?organization=tesoreria&res_format=CSV",
        "/dataset/?q=nadaquecoincida", f"/dataset/{ds['name']}",
        f"/dataset/{ds['name']}/resource/{ds['resources'][0]['id']}",
        "/organization/", "/organization/tesoreria", "/organization/about/tesoreria",
        "/group/", "/group/finanzas-publicas", "/group/about/finanzas-publicas", "/about",
        "/gobierno-abierto/", "/gobierno-abierto/informacion-util", "/gobierno-abierto/datos-abiertos",
        "/gobierno-abierto/ayuntamiento-abierto", "/gobierno-abierto/participacion",
        "/transparencia/cobertura", "/user/login",
    ]


def _officer_pages(cat: dict[str, Any]) -> list[str]:
    ds = cat["dataset"]
    return [
        "/calidad", "/transparencia/cobertura", f"/dataset/{ds['name']}", "/gobierno-abierto/participacion",
        f"/gobierno-abierto/participacion/{cat['request']['id']}/responder",
        "/datos-personales/revisiones", f"/dataset/{ds['name']}/datos-personales",
        "/dataset/new", f"/dataset/edit/{ds['name']}", f"/dataset/{ds['name']}/resource/new",
        f"/dataset/{ds['name']}/resource/{ds['resources'][0]['id']}/edit",
        "/organization/edit/tesoreria", "/dashboard/datasets", "/texto_micrositio/new",
        "/informacion_util/new",
    ]


def _walk(app, paths: list[str], prefix: str, page_lang: str, vocab, content) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in paths:
        res = app.get(prefix + path)
        assert res.status_code == 200, f"{prefix}{path}: {res.status_code}"
        assert f'<html lang="{page_lang}"' in res.body, f"{prefix}{path} is not declared as {page_lang}"
        found = _foreign(res.body, page_lang, vocab, content)
        if found:
            problems[prefix + path] = found
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())


@pytest.mark.parametrize(("prefix", "lang"), [("", "es"), ("/en", "en")])
def test_public_pages_speak_one_language(app, catalogue, vocabularies, prefix, lang):
    problems = _walk(app, _public_pages(catalogue), prefix, lang, vocabularies, catalogue["content"])
    assert not problems, _report(problems)


@pytest.mark.parametrize(("prefix", "lang"), [("", "es"), ("/en", "en")])
def test_officer_pages_speak_one_language(app, catalogue, vocabularies, prefix, lang):
    login(app, catalogue["officer"])
    problems = _walk(app, _officer_pages(catalogue), prefix, lang, vocabularies, catalogue["content"])
    assert not problems, _report(problems)


@pytest.mark.parametrize(("prefix", "lang", "status"), [
    ("", "es", 404), ("/en", "en", 404), ("", "es", 403), ("/en", "en", 403)])
def test_error_pages_speak_one_language(app, catalogue, vocabularies, prefix, lang, status):
    path = "/dataset/no-existe-este" if status == 404 else "/calidad"
    res = app.get(prefix + path, status=status)
    assert f'<html lang="{lang}"' in res.body
    problems = _foreign(res.body, lang, vocabularies, catalogue["content"])
    assert not problems, "\n".join(problems)


def test_the_walk_catches_a_foreign_word(vocabularies):
    """The comparison itself: stock English on a Spanish page and Spanish
    interface text on an English page are caught; marked content is not."""
    content: set[str] = set()
    assert _foreign("<p>You can also access this registry using the API</p>", "es", vocabularies, content)
    assert _foreign('<a aria-label="Search datasets with the tag: x">x</a>', "es", vocabularies, content)
    assert _foreign("<h2>Estrellas de apertura</h2>", "en", vocabularies, content)
    assert not _foreign('<h2 lang="es">Estrellas de apertura</h2>', "en", vocabularies, content)
    assert not _foreign("<p>Conjuntos de datos</p>", "es", vocabularies, content)
    assert not _foreign("<p>Datasets</p>", "en", vocabularies, content)
