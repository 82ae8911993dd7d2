"""Participation: citizens request or comment on datasets; officers answer."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.sach.microsite.model import Request
from tests.helpers import csrf_token, login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

URL = "/gobierno-abierto/participacion"


def _form(**overrides):
    data = {
        "kind": "dataset",
        "title": "Padrón de comercios con licencia",
        "body": "Solicito el padrón de licencias de funcionamiento por colonia.",
        "requester_name": "María López",
        "requester_email": "maria.lopez@example.com",
        "privacy_accepted": "1",
    }
    data.update(overrides)
    return data


def _submit(app, **overrides):
    token = csrf_token(app, URL)
    return app.post(URL, data=dict(_form(**overrides), _csrf_token=token), follow_redirects=False)


def test_citizen_submits_request_and_sees_it_listed_without_contact(app):
    res = _submit(app)
    assert res.status_code == 302
    folio = model.Session.query(Request).one().id[:8]
    assert res.headers["Location"].endswith(f"/gobierno-abierto/participacion?folio={folio}#folio")

    body = app.get(f"{URL}?folio={folio}").body
    assert "Su solicitud quedó registrada con el folio" in body
    listing = body.split('id="solicitudes"')[1]
    assert "Padrón de comercios con licencia" in listing
    assert "Recibida" in listing
    assert "María López" not in body and "maria.lopez@example.com" not in body


def test_post_without_or_with_forged_csrf_token_is_refused(app):
    res = app.post(URL, data=_form(), follow_redirects=False)
    assert res.status_code == 400
    assert "El formulario caducó" in res.body
    csrf_token(app, URL)  # a session exists, but the token is not its own
    res = app.post(URL, data=dict(_form(), _csrf_token="forjado"), follow_redirects=False)
    assert res.status_code == 400
    assert model.Session.query(Request).count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "Falta el valor"),
        ({"requester_email": "no-es-correo"}, "requester_email", "correo"),
        ({"kind": "comment", "package_id": "no-existe"}, "package_id", "conjunto de datos público"),
        ({"kind": "otra"}, "kind", ""),
        ({"body": "x" * 4001}, "body", "Máximo 4000 caracteres"),
        ({"privacy_accepted": ""}, "privacy_accepted", "aviso de privacidad"),
    ],
)
def test_invalid_requests_get_spanish_errors_and_store_nothing(app, overrides, field, message):
    res = _submit(app, **overrides)
    assert res.status_code == 400
    assert f'id="error-{field}"' in res.body
    if message:
        error = res.body.split(f'id="error-{field}">')[1].split("</p>")[0]
        assert message.lower() in error.lower(), error
    # what the citizen typed is kept
    assert 'value="María López"' in res.body
    assert model.Session.query(Request).count() == 0


def test_comment_on_dataset_links_to_it(app, make_dataset):
    org = factories.Organization(title="Tesorería Municipal")
    ds = make_dataset(org, name="presupuesto-2024", title="Presupuesto 2024")
    # the dataset page links to the comment form, prefilled
    page = app.get("/dataset/presupuesto-2024").body
    assert f"{URL}?dataset=presupuesto-2024#formulario" in page
    form = app.get(URL, query_string={"dataset": "presupuesto-2024"}).body
    assert 'id="kind-comment" value="comment" checked' in form
    assert 'value="presupuesto-2024"' in form

    res = _submit(app, kind="comment", package_id="presupuesto-2024", title="Faltan los datos de marzo")
    assert res.status_code == 302
    req = model.Session.query(Request).one()
    assert req.package_id == ds["id"] and req.organization_id == org["id"]
    listing = app.get(URL).body.split('id="solicitudes"')[1]
    assert "Faltan los datos de marzo" in listing
    assert '<a href="/dataset/presupuesto-2024">Presupuesto 2024</a>' in listing


def test_cannot_comment_on_private_dataset(make_dataset):
    org = factories.Organization()
    ds = make_dataset(org, private=True)
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("sach_request_create")({}, dict(_form(kind="comment", package_id=ds["name"])))
    assert "package_id" in err.value.error_dict


def test_rate_limit_per_client(app, monkeypatch, ckan_config):
    monkeypatch.setitem(ckan_config, "ckanext.sach.requests.rate_limit", 2)
    assert _submit(app, title="Uno").status_code == 302
    assert _submit(app, title="Dos").status_code == 302
    res = _submit(app, title="Tres")
    assert res.status_code == 429
    assert "Ha enviado demasiadas solicitudes" in res.body
    assert model.Session.query(Request).count() == 2


def test_api_list_and_show_hide_contact_data(app):
    created = tk.get_action("sach_request_create")({}, _form())
    assert "requester_email" not in created
    res = app.get("/api/3/action/sach_request_list")
    assert res.status_code == 200
    result = res.json["result"]
    assert result["count"] == 1
    assert "requester_email" not in result["results"][0]
    assert "requester_name" not in result["results"][0]
    shown = app.get("/api/3/action/sach_request_show", query_string={"id": created["id"]}).json["result"]
    assert "requester_email" not in shown
    bad = app.get("/api/3/action/sach_request_list", query_string={"status": "inventado"}, status=409)
    assert "status" in bad.json["error"]
    app.get("/api/3/action/sach_request_show", query_string={"id": "no-existe"}, status=404)


def test_answer_permissions_officer_vs_citizen(officer_setup):
    org = officer_setup["org"]
    req = tk.get_action("sach_request_create")({}, _form(organization_id=org["name"]))
    answer = {"id": req["id"], "status": "answered", "answer": "Se publicará en junio."}
    for who in ("citizen", "outsider"):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("sach_request_answer")({"user": officer_setup[who]["name"]}, dict(answer))
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("sach_request_answer")({"user": ""}, dict(answer))
    officer = {"user": officer_setup["officer"]["name"]}
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("sach_request_answer")(dict(officer), {"id": req["id"], "status": "answered"})
    assert "answer" in err.value.error_dict
    done = tk.get_action("sach_request_answer")(dict(officer), dict(answer))
    assert done["status"] == "answered" and done["answer"] == "Se publicará en junio."
    # officers see the contact, citizens do not
    shown = tk.get_action("sach_request_show")(dict(officer), {"id": req["id"]})
    assert shown["requester_email"] == "maria.lopez@example.com"
    shown = tk.get_action("sach_request_show")({"user": officer_setup["citizen"]["name"]}, {"id": req["id"]})
    assert "requester_email" not in shown


def test_officer_answers_through_the_page_and_answer_is_public(app, officer_setup):
    org = officer_setup["org"]
    req = tk.get_action("sach_request_create")({}, _form(organization_id=org["name"]))
    answer_url = f"{URL}/{req['id']}/responder"

    # anonymous and citizens are refused
    assert app.get(answer_url).status_code == 403
    login(app, officer_setup["citizen"])
    assert app.get(answer_url).status_code == 403
    assert "Responder" not in app.get(URL).body.split('id="solicitudes"')[1]
    app.get("/user/_logout")

    app2 = app  # same client, new session after logout
    login(app2, officer_setup["officer"])
    assert f'href="{answer_url}"' in app2.get(URL).body
    page = app2.get(answer_url).body
    assert "maria.lopez@example.com" in page
    token = re.search(r'name="_csrf_token"\s+value="([^"]+)"', page).group(1)
    res = app2.post(answer_url, data={"status": "answered", "answer": "", "_csrf_token": token})
    assert res.status_code == 400 and "Escriba la respuesta" in res.body
    res = app2.post(answer_url, data={"status": "answered", "answer": "Publicado en el catálogo.",
                                      "_csrf_token": token}, follow_redirects=False)
    assert res.status_code == 302
    listing = app2.get(URL).body.split('id="solicitudes"')[1]
    assert "Respondida" in listing and "Publicado en el catálogo." in listing
    assert app2.get(f"{URL}/no-existe/responder").status_code == 404


def test_status_filter_and_pagination(app):
    for i in range(23):
        tk.get_action("sach_request_create")({"user": f"u{i}"}, _form(title=f"Solicitud número {i:02d}"))
    first = app.get(URL).body
    assert "23 solicitudes" in first
    assert "Solicitud número 22" in first and "Solicitud número 02" not in first
    second = app.get(URL, query_string={"page": 2}).body
    assert "Solicitud número 02" in second
    assert ('<a class="page-link" href="/gobierno-abierto/participacion?page=1#solicitudes">1</a>' in second)
    assert ('<a class="page-link" href="/gobierno-abierto/participacion?page=2#solicitudes"'
            ' aria-current="page">2</a>' in second)
    # a page past the last one shows the last page, not an empty list
    past = app.get(URL, query_string={"page": 9}).body
    assert "Solicitud número 02" in past and 'aria-current="page">2</a>' in past
    assert "0 solicitudes" in app.get(URL, query_string={"estado": "answered"}).body
