"""The participation form in one round: every error named in a summary that
takes the focus, what was typed (consent included) kept; the folio shown in
the form after sending; a search without results offers to request data."""
from __future__ import annotations

import html
import re

import pytest

from ckan import model

from ckanext.sach.microsite.model import Request
from tests.helpers import csrf_token

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.sach.privacy.scan_links", False),
]

URL = "/gobierno-abierto/participacion"


def _summary(body: str) -> str:
    match = re.search(r'<div id="errores"[^>]*>(.*?)</div>', body, re.S)
    assert match, "no error summary"
    assert "autofocus" in match.group(0) and 'tabindex="-1"' in match.group(0)
    return match.group(1)


def test_all_errors_in_one_round_with_field_names(app):
    token = csrf_token(app, URL)
    res = app.post(URL, data={"kind": "dataset", "requester_email": "no-es-correo",
                              "_csrf_token": token}, status=400)
    summary = _summary(res.body)
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    named = {re.sub(r"<[^>]+>", "", i).split(":")[0].strip() for i in items}
    assert named == {"Asunto", "Mensaje", "Nombre", "Correo electrónico", "Aviso de privacidad"}
    assert 'href="#field-title"' in summary and 'href="#field-privacy"' in summary
    assert model.Session.query(Request).count() == 0


def test_typed_values_and_consent_are_kept(app):
    token = csrf_token(app, URL)
    res = app.post(URL, data={"kind": "dataset", "title": "Padrón de mercados", "body": "",
                              "requester_name": "Ana", "requester_email": "ana@example.com",
                              "privacy_accepted": "1", "_csrf_token": token}, status=400)
    summary = _summary(res.body)
    assert "Mensaje" in summary and "Aviso de privacidad" not in summary
    assert 'value="Padrón de mercados"' in res.body
    assert re.search(r'id="field-privacy" value="1" checked', res.body)
    assert 'value="ana@example.com"' in res.body


def test_folio_is_shown_in_the_form(app):
    token = csrf_token(app, URL)
    res = app.post(URL, data={"kind": "dataset", "title": "Padrón de mercados", "body": "Por colonia.",
                              "requester_name": "Ana", "requester_email": "ana@example.com",
                              "privacy_accepted": "1", "_csrf_token": token}, follow_redirects=False)
    assert res.status_code == 302
    folio = model.Session.query(Request).one().id[:8]
    body = app.get(f"{URL}?folio={folio}").body
    box = re.search(r'<div id="folio"[^>]*>(.*?)</div>', body, re.S)
    assert box and "autofocus" in box.group(0)
    assert f"folio {folio}" in box.group(1)
    # the box sits inside the form section, before the form
    assert body.index('id="formulario"') < body.index('id="folio"') < body.index('<form method="post"')
    assert 'id="folio"' not in app.get(f"{URL}?folio=<script>").body


def test_search_without_results_offers_a_request(app):
    body = app.get("/dataset/?q=zzzdatosinexistentes").body
    assert "sach-request-data" in body, "no offer to request the data"
    section = body.split("sach-request-data", 1)[1]
    match = re.search(r'href="([^"]*participacion[^"]*)"', section)
    assert match, "no link to the participation form"
    href = html.unescape(match.group(1))
    assert "q=zzzdatosinexistentes" in href
    form = app.get(href.split("#")[0]).body
    assert "zzzdatosinexistentes" in form.split('id="field-title"')[1].split(">")[0]
