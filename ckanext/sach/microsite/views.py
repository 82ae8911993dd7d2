"""The microsite "Gobierno Abierto y Vinculación con la Sociedad Civil".

Sections (``/gobierno-abierto/...``) show content that officers manage inside
CKAN as scheming dataset types; participation requests are stored in the
``sach_request`` table through the ``sach_request_*`` actions.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError as WTFValidationError

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.pagination import Page

from ckanext.sach.microsite import content, helpers
from ckanext.sach.microsite.action import RateLimited, validate_request
from ckanext.sach.microsite.auth import can_answer
from ckanext.sach.web.request import request

__all__ = ["SECTIONS", "blueprint", "get_blueprints"]

blueprint = Blueprint("sach_microsite", __name__, url_prefix="/gobierno-abierto")


def get_blueprints() -> list[Blueprint]:
    return [blueprint]


REQUESTS_PER_PAGE = 20
CARDS_PER_PAGE = 24
SECTIONS = [
    ("sach_microsite.index", "Gobierno Abierto"),
    ("sach_microsite.informacion_util", "Información pública útil"),
    ("sach_microsite.datos_abiertos", "Datos abiertos"),
    ("sach_microsite.ayuntamiento_abierto", "Ayuntamiento Abierto"),
    ("sach_microsite.participacion", "Participación"),
]


def _csrf_valid() -> bool:
    """CKAN only checks CSRF tokens for signed-in sessions; the participation
    form is used anonymously, so it checks its token itself."""
    field = tk.config.get("WTF_CSRF_FIELD_NAME") or "_csrf_token"
    try:
        validate_csrf(request.form.get(field))
    except (WTFValidationError, CSRFError):
        return False
    return True


def _context() -> Any:
    return {"user": tk.g.user, "auth_user_obj": tk.g.userobj}


def _render(template: str, **extra: Any) -> str:
    extra.setdefault("sections", SECTIONS)
    extra.setdefault("can_manage", can_answer(tk.g.user or None))
    return tk.render(template, extra_vars=extra)


@blueprint.route("/")
def index() -> str:
    return _render(
        "sach/microsite/index.html",
        texts=content.texts("gobierno_abierto"),
        plan=content.publication_plan()["totals"],
        school=content.ayuntamiento_abierto()["figures"],
        cards=content.informacion_util()[:3],
    )


@blueprint.route("/informacion-util")
def informacion_util() -> str:
    topic = request.args.get("tema") or None
    audience = request.args.get("publico") or None
    cards, counts = content.filter_cards(content.informacion_util(), topic, audience)

    def page_url(page: int) -> str:
        return tk.h.url_for("sach_microsite.informacion_util", page=page, tema=topic, publico=audience)

    labels = {
        "topic": {c["value"]: helpers.sach_microsite_label("topic", c["value"])
                  for c in helpers.sach_microsite_topic_choices()},
        "audience": {c["value"]: helpers.sach_microsite_label("audience", c["value"])
                     for c in helpers.sach_microsite_audience_choices()},
    }
    return _render(
        "sach/microsite/informacion_util.html",
        texts=content.texts("informacion_util"),
        cards=Page(collection=cards, page=_page(), items_per_page=CARDS_PER_PAGE),
        page_url=page_url,
        counts=counts,
        labels=labels,
        topic=topic,
        audience=audience,
    )


PAGE_MAX = 10_000  # further pages are empty anyway; keeps OFFSET within PostgreSQL's bigint


def _page() -> int:
    try:
        return min(PAGE_MAX, max(1, int(request.args.get("page", 1))))
    except ValueError:
        return 1


@blueprint.route("/datos-abiertos")
def datos_abiertos() -> str:
    return _render(
        "sach/microsite/datos_abiertos.html",
        texts=content.texts("datos_abiertos"),
        plan=content.publication_plan(),
    )


@blueprint.route("/ayuntamiento-abierto")
def ayuntamiento_abierto() -> str:
    return _render(
        "sach/microsite/ayuntamiento_abierto.html",
        texts=content.texts("ayuntamiento_abierto"),
        school=content.ayuntamiento_abierto(),
    )


def _organizations() -> list[dict[str, str]]:
    def compute() -> list[dict[str, str]]:
        orgs = tk.get_action("organization_list")(
            {"ignore_auth": True}, {"all_fields": True, "sort": "title asc"}
        )
        return [{"value": o["name"], "text": o["title"] or o["name"]} for o in orgs]

    return content.cached("organizations", compute)


def _requests_page(page: int, status_filter: str | None) -> Page:
    """One page of the public list of requests (a page past the last one shows the last)."""
    data_dict: dict[str, Any] = {"limit": REQUESTS_PER_PAGE}
    if status_filter in ("new", "in_progress", "answered", "rejected"):
        data_dict["status"] = status_filter

    def fetch(number: int) -> Page:
        listing = tk.get_action("sach_request_list")(
            _context(), dict(data_dict, offset=(number - 1) * REQUESTS_PER_PAGE))
        return Page(collection=listing["results"], page=number, item_count=listing["count"],
                    items_per_page=REQUESTS_PER_PAGE, presliced_list=True)

    requests = fetch(page)
    if requests.item_count and requests.page != page:
        requests = fetch(requests.page)
    return requests


def _participacion_page(form: dict[str, Any] | None = None, errors: dict[str, Any] | None = None,
                        status: int = 200) -> tuple[str, int]:
    status_filter = request.args.get("estado") or None
    requests = _requests_page(_page(), status_filter)
    form = form or {}
    if not form and request.args.get("dataset"):
        form = {"kind": "comment", "package_id": request.args["dataset"]}
    elif not form and request.args.get("q"):
        # "request these data" from a search without results
        query = request.args["q"][:200]
        form = {"kind": "dataset", "title": tk._("Datos sobre: {q}").format(q=query)}
    titles = _dataset_titles([r["package_id"] for r in requests if r["package_id"]])
    orgs = _organizations()
    org_titles = {o["value"]: o["text"] for o in orgs}
    org_ids = _org_titles_by_id()
    return _render(
        "sach/microsite/participacion.html",
        texts=content.texts("participacion"),
        requests=requests,
        page_url=lambda page: tk.h.url_for("sach_microsite.participacion", page=page, estado=status_filter),
        status_filter=status_filter,
        dataset_titles=titles,
        organizations=orgs,
        org_titles=org_titles,
        org_titles_by_id=org_ids,
        form=form,
        errors=errors or {},
        error_labels=_field_labels(),
        folio=_folio(),
    ), status


def _field_labels() -> dict[str, str]:
    """Names of the form fields, for the error summary."""
    return {
        "kind": tk._("Tipo de mensaje"),
        "package_id": tk._("Conjunto de datos"),
        "organization_id": tk._("Dependencia"),
        "title": tk._("Asunto"),
        "body": tk._("Mensaje"),
        "requester_name": tk._("Nombre"),
        "requester_email": tk._("Correo electrónico"),
        "privacy_accepted": tk._("Aviso de privacidad"),
        "rate_limit": tk._("Envíos"),
        "csrf": tk._("Formulario"),
    }


def _folio() -> str:
    """The folio of the request just sent (``?folio=`` after the redirect):
    8 hexadecimal characters, anything else is ignored."""
    import re

    value = request.args.get("folio") or ""
    return value if re.fullmatch(r"[0-9a-f]{8}", value) else ""


def _dataset_titles(ids: list[str]) -> dict[str, dict[str, str]]:
    """Title and name of the datasets commented on in this page: one query."""
    if not ids:
        return {}
    rows = (
        model.Session.query(model.Package.id, model.Package.name, model.Package.title)
        .filter(model.Package.id.in_(set(ids)))
        .filter(model.Package.private.is_(False), model.Package.state == "active")
    )
    return {r.id: {"name": r.name, "title": r.title or r.name} for r in rows}


def _org_titles_by_id() -> dict[str, str]:
    def compute() -> dict[str, str]:
        rows = model.Session.query(model.Group.id, model.Group.title, model.Group.name).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active"
        )
        return {r.id: r.title or r.name for r in rows}

    return content.cached("organization_titles", compute)


@blueprint.route("/participacion", methods=["GET", "POST"])
def participacion() -> Any:
    if request.method == "GET":
        return _participacion_page()
    form = {
        key: request.form.get(key, "")
        for key in ("kind", "title", "body", "package_id", "organization_id",
                    "requester_name", "requester_email")
    }
    if not _csrf_valid():
        return _participacion_page(form, {"csrf": [tk._(
            "El formulario caducó o no es válido. Recargue la página y envíelo de nuevo."
        )]}, 400)
    form["privacy_accepted"] = "1" if request.form.get("privacy_accepted") else ""
    data = {k: v for k, v in form.items() if v != "" and k != "privacy_accepted"}
    if data.get("kind") != "comment":
        data.pop("package_id", None)
    # every field in one round: the consent is one more error, not a gate
    _, errors = validate_request(data, _context())
    if not form["privacy_accepted"]:
        errors["privacy_accepted"] = [tk._("Debe aceptar el aviso de privacidad")]
    if errors:
        return _participacion_page(form, errors, 400)
    try:
        created = tk.get_action("sach_request_create")(_context(), data)
    except RateLimited as err:
        return _participacion_page(form, err.error_dict, 429)
    except tk.ValidationError as err:
        return _participacion_page(form, err.error_dict, 400)
    # the folio is shown where the citizen is looking (the form), not in a
    # flash message at the top of the page while the list scrolls into view
    return tk.redirect_to("sach_microsite.participacion", folio=created["id"][:8], _anchor="folio")


@blueprint.route("/participacion/<request_id>/responder", methods=["GET", "POST"])
def responder(request_id: str) -> Any:
    context = _context()
    try:
        tk.check_access("sach_request_answer", context, {"id": request_id})
        citizen_request = tk.get_action("sach_request_show")(context, {"id": request_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Solicitud no encontrada"))
    except tk.NotAuthorized:
        if not tk.g.user:
            return tk.abort(403, tk._("Inicie sesión como servidor público para responder"))
        return tk.abort(403, tk._("Sólo el personal de la dependencia puede responder esta solicitud"))
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data = {
            "id": request_id,
            "status": request.form.get("status", ""),
            "answer": request.form.get("answer", ""),
        }
        try:
            tk.get_action("sach_request_answer")(context, data)
        except tk.ValidationError as err:
            errors = err.error_dict
            citizen_request.update(status=data["status"], answer=data["answer"])
        else:
            tk.h.flash_success(tk._("Respuesta guardada y publicada."))
            return tk.redirect_to("sach_microsite.participacion", _anchor="solicitudes")
    titles = _dataset_titles([citizen_request["package_id"]] if citizen_request.get("package_id") else [])
    return _render(
        "sach/microsite/responder.html",
        req=citizen_request,
        errors=errors,
        dataset_titles=titles,
        org_titles_by_id=_org_titles_by_id(),
    ), (400 if errors else 200)
