"""The catalogues hold every label the extension shows, and the language of a
page survives the redirects the site makes."""
from __future__ import annotations

import json
import os
import re

import pytest

import ckanext.sach

BASE = os.path.join(os.path.dirname(ckanext.sach.__file__), "i18n")


def _catalogue(lang: str | None = None):
    from babel.messages.pofile import read_po

    path = (os.path.join(BASE, "ckanext-sach.pot") if lang is None
            else os.path.join(BASE, lang, "LC_MESSAGES", "ckanext-sach.po"))
    with open(path, "rb") as f:
        return read_po(f, locale=lang)


def _labels_kept_in_python() -> list[str]:
    """The labels the code keeps in dicts and lists and translates as ``_(variable)``."""
    from ckanext.sach.microsite import views as microsite
    from ckanext.sach.privacy import helpers as privacy_helpers
    from ckanext.sach.privacy import views as privacy_views
    from ckanext.sach.quality import helpers as quality
    from ckanext.sach.quality import indexing as quality_indexing

    labels = list(quality.FRESHNESS_LABELS.values()) + list(quality.MISSING_LABELS.values())
    labels += list(quality_indexing.FACETS.values())
    labels += [text for pair in privacy_helpers.KIND_LABELS.values() for text in pair]
    labels += [privacy_helpers.DEFAULT_REVIEWERS]
    labels += list(privacy_views.DETECTOR_LABELS.values()) + list(privacy_views.STATUS_LABELS.values())
    labels += [label for _, label in microsite.SECTIONS]
    with open(os.path.join(os.path.dirname(ckanext.sach.__file__), "vocab", "licenses.json")) as f:
        labels += [licence["title"] for licence in json.load(f)]
    labels += [t.title() for t in ("informacion_util", "plan_publicacion", "actividad_escolar",
                                   "texto_micrositio")]
    return labels


@pytest.mark.unit
def test_labels_kept_in_python_are_extracted_and_translated():
    """Babel extracts only literal ``_('…')`` calls: a label kept in a dict
    reaches the catalogue only through ckanext/sach/i18n/python_labels.py."""
    pot = {m.id for m in _catalogue() if m.id}
    english = {m.id: m.string for m in _catalogue("en") if m.id}
    labels = _labels_kept_in_python()
    assert "Estrellas de apertura" in labels and "Desactualizado" in labels
    missing = sorted({label for label in labels if label not in pot})
    assert missing == [], f"add to ckanext/sach/i18n/python_labels.py and run extract_messages: {missing}"
    untranslated = sorted({label for label in labels if not english.get(label)})
    assert untranslated == [], f"translate in the en catalogue: {untranslated}"
    assert english["Estrellas de apertura"] == "Openness stars"
    assert english["Desactualizado"] == "Out of date"


@pytest.mark.unit
def test_catalogues_have_no_fuzzy_or_obsolete_entries():
    for lang in ("es", "en"):
        catalogue = _catalogue(lang)
        assert [m.id for m in catalogue if m.fuzzy and m.id] == [], lang
        assert not catalogue.obsolete, f"{lang}: obsolete entries are not compiled: {list(catalogue.obsolete)[:5]}"


@pytest.mark.unit
def test_compiled_catalogues_match_the_po_files():
    """A .mo older than its .po would serve yesterday's translations."""
    for lang in ("es", "en"):
        po = os.path.join(BASE, lang, "LC_MESSAGES", "ckanext-sach.po")
        assert os.path.getmtime(po[:-3] + ".mo") >= os.path.getmtime(po), f"run setup.py compile_catalog ({lang})"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestLanguageKeptAcrossRedirects:
    @pytest.mark.parametrize(("path", "location"), [
        ("/en/gobierno-abierto", "/en/gobierno-abierto/"),   # trailing-slash redirect (Werkzeug)
        ("/en/dashboard/datasets", "/en/user/login"),        # sign in first
        ("/en/user/_logout", "/en/user/login"),
        ("/gobierno-abierto", "/gobierno-abierto/"),         # Spanish (default) has no prefix
    ])
    def test_redirect_keeps_the_language(self, app, path, location):
        res = app.get(path, follow_redirects=False)
        assert res.status_code in (301, 302, 303, 307, 308)
        assert re.sub(r"^https?://[^/]+", "", res.headers["Location"]).split("?")[0] == location

    def test_followed_redirect_lands_on_the_english_page(self, app):
        res = app.get("/en/gobierno-abierto")
        assert '<html lang="en"' in res.body and "Open Government" in res.body

    def test_language_selector_still_chooses_the_language(self, app):
        res = app.get("/en/util/redirect?url=/dataset/", follow_redirects=False)
        assert re.sub(r"^https?://[^/]+", "", res.headers["Location"]) == "/dataset/"
