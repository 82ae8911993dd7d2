"""Officers' and reviewers' pages of the personal-data guard.

- ``/dataset/<id>/datos-personales``: the current scans of a dataset (counts
  and (row, column) locations, never values), the audit trail and, for privacy
  reviewers only (four eyes), the review form (POST records a review through
  ``sach_privacy_review_create``). The dataset's own officers see who must
  review instead of the form.
- ``/dataset/<id>/publicar``: "Publicar" with a confirmation step (GET shows
  what will happen, POST with CSRF makes the dataset public and active through
  ``package_patch``, so the publication gate applies and its refusal is shown).
- ``/datos-personales/revisiones``: the reviewers' queue, every dataset that
  waits for a review across dependencias, oldest first (403 for others).
- After a resource form upload (``<type>_resource.new`` / ``.edit`` answered
  with a redirect): a flash message saying what the scan of the file found,
  that it found nothing, or that it runs in the background.
"""
from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, flash
from markupsafe import Markup, escape

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.sach.web.request import request

from . import helpers
from . import model as pmodel

__all__ = ["get_blueprints"]

blueprint = Blueprint("sach_privacy", __name__)

DETECTOR_LABELS = {
    "curp": "CURP",
    "rfc": "RFC de persona física",
    "clave_elector": "Clave de elector",
    "email": "Correo electrónico",
    "phone": "Teléfono",
    "column_name": "Nombre de columna con datos personales",
}
STATUS_LABELS = {
    "pending": "En revisión automática",
    "clean": "Sin hallazgos",
    "findings": "Con posibles datos personales",
    "incomplete": "Revisión incompleta",
    "error": "No se pudo revisar",
}


def _context() -> Context:
    return {"user": tk.g.user, "auth_user_obj": tk.g.userobj}


def _allowed(action: str, data_dict: dict[str, Any]) -> bool:
    try:
        tk.check_access(action, _context(), data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _action_exists(name: str) -> bool:
    try:
        tk.get_action(name)
    except (KeyError, AttributeError, Exception):  # noqa: BLE001 - unknown action
        return False
    return True


def _show(id: str) -> dict[str, Any]:
    return tk.get_action("package_show")(_context(), {"id": id})


def _record_review(context: Context, pkg: dict[str, Any], form: dict[str, Any],
                   may_review: bool) -> tuple[Any, dict[str, Any]]:
    """The review form sent: (the response that ends the request or None, the form's errors)."""
    if not may_review:
        return tk.abort(403, tk._("La revisión de datos personales la registra un revisor de {who}, "
                                  "no quien subió el archivo.").format(who=helpers.sach_privacy_reviewers())), {}
    try:
        tk.get_action("sach_privacy_review_create")(context.copy(), dict(form, package_id=pkg["id"]))
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or tk._("No puede registrar esta revisión.")), {}
    except tk.ValidationError as exc:
        return None, exc.error_dict
    tk.h.flash_success(tk._("Revisión registrada."))
    return tk.redirect_to("sach_privacy.review", id=pkg["name"]), {}


@blueprint.route("/dataset/<id>/datos-personales", methods=["GET", "POST"])
def review(id: str) -> Any:
    context = _context()
    try:
        pkg = _show(id)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    except tk.NotAuthorized:
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    reviewer = helpers.is_reviewer(tk.g.userobj)
    if not reviewer and not _allowed("sach_privacy_review_list", {"package_id": pkg["id"]}):
        return tk.abort(403, tk._("Sólo los responsables de la dependencia y los revisores de datos "
                                  "personales pueden ver esta página."))
    # four eyes: only a privacy reviewer gets the form; the guard's auth also refuses the uploader
    may_review = helpers.can_review(tk.g.userobj, pkg["id"]) and \
        _allowed("sach_privacy_review_create", {"package_id": pkg["id"]})
    errors: dict[str, Any] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("decision", "legal_basis", "reason")}
        done, errors = _record_review(context, pkg, form, may_review)
        if done is not None:
            return done
    # the lists are read as the page's reader may see them: reviewers of another dependencia included
    read_context: Context = {**context, "ignore_auth": True}
    scans = tk.get_action("sach_privacy_scan_list")(read_context, {"package_id": pkg["id"]})
    reviews = tk.get_action("sach_privacy_review_list")(read_context, {"package_id": pkg["id"]})
    names = {r["id"]: r.get("name") or r["id"] for r in pkg.get("resources", [])}
    state = helpers.sach_privacy_state(pkg)
    return tk.render("sach/privacy/review.html", extra_vars={
        "pkg": pkg, "pkg_dict": pkg, "scans": scans["scans"], "blocked": scans["blocked"],
        "reviews": reviews, "errors": errors, "form": form, "resource_names": names,
        "detector_labels": DETECTOR_LABELS, "status_labels": STATUS_LABELS,
        "may_review": may_review, "reviewers": helpers.sach_privacy_reviewers(),
        "own_upload": reviewer and not may_review,
        "can_rescan": _action_exists("sach_privacy_rescan")
        and _allowed("sach_privacy_rescan", {"package_id": pkg["id"]}),
        "can_publish": bool(state.get("can_publish")) and not state.get("blocked"),
    }), (400 if errors else 200)


@blueprint.route("/dataset/<id>/datos-personales/revisar-de-nuevo", methods=["POST"])
def rescan(id: str) -> Any:
    """The officer's retry of a pending, failed or incomplete scan (``sach_privacy_rescan``)."""
    try:
        pkg = _show(id)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    if not _action_exists("sach_privacy_rescan"):
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    try:
        result = tk.get_action("sach_privacy_rescan")(_context(), {"package_id": pkg["id"]})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Sólo los responsables de la dependencia pueden pedir otra revisión."))
    except tk.ValidationError as exc:
        tk.h.flash_error(" ".join(_messages(exc.error_dict)))
    else:
        n = len((result or {}).get("scans") or [])
        tk.h.flash_success(tk._("Se pidió revisar de nuevo {n} archivo(s); el resultado aparecerá en esta página.")
                           .format(n=n))
    return tk.redirect_to("sach_privacy.review", id=pkg["name"])


@blueprint.route("/dataset/<id>/publicar", methods=["GET", "POST"])
def publish(id: str) -> Any:
    try:
        pkg = _show(id)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    if not _allowed("package_update", {"id": pkg["id"]}):
        return tk.abort(403, tk._("Sólo los responsables de la dependencia pueden publicar este conjunto."))
    errors: list[str] = []
    already = not pkg.get("private") and pkg.get("state") == "active"
    if request.method == "POST" and not already:
        try:
            tk.get_action("package_patch")(
                {**_context(), "allow_state_change": True},
                {"id": pkg["id"], "private": False, "state": "active"})
        except tk.ValidationError as exc:
            errors = _messages(exc.error_dict)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Sólo los responsables de la dependencia pueden publicar este conjunto."))
        else:
            tk.h.flash_success(tk._("El conjunto de datos «{title}» ya es público.").format(
                title=pkg.get("title") or pkg["name"]))
            return tk.redirect_to("dataset.read", id=pkg["name"])
    state = helpers.sach_privacy_state(pkg)
    return tk.render("sach/privacy/publish.html", extra_vars={
        "pkg": pkg, "pkg_dict": pkg, "errors": errors, "already": already, "privacy": state,
    }), (409 if errors else 200)


def _messages(error_dict: dict[str, Any]) -> list[str]:
    """Flat list of the messages of a ValidationError (labels come from the template, not keys)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value not in found:
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(error_dict)
    return found


def queue_items() -> list[dict[str, Any]]:
    """Datasets waiting for a review, oldest first (fallback while no queue action exists)."""
    rows = (model.Session.query(pmodel.PrivacyScan, model.Package)
            .join(model.Package, model.Package.id == pmodel.PrivacyScan.package_id)
            .filter(pmodel.PrivacyScan.superseded.is_(False),
                    pmodel.PrivacyScan.review_id.is_(None),
                    pmodel.PrivacyScan.status.in_(pmodel.BLOCKING),
                    model.Package.state != "deleted")
            .order_by(pmodel.PrivacyScan.created).all())
    items: dict[str, dict[str, Any]] = {}
    for scan, pkg in rows:
        item = items.setdefault(pkg.id, {"package_id": pkg.id, "since": scan.created})
        item.setdefault("scans", []).append(scan.as_dict())
    return sorted(items.values(), key=lambda i: i["since"])


def _queue_rows() -> list[dict[str, Any]]:
    if _action_exists("sach_privacy_review_queue"):
        raw = tk.get_action("sach_privacy_review_queue")(_context(), {})
        raw = raw.get("results", raw) if isinstance(raw, dict) else raw
    else:
        raw = queue_items()
    out = []
    for item in raw:
        pkg = model.Package.get(item.get("package_id") or item.get("id") or "")
        if pkg is None or pkg.state == "deleted":
            continue
        state = helpers.scan_state(pkg.id)
        org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
        since = item.get("since") or item.get("oldest") or min(
            (f["created"] for f in state["files"]), default=None)
        if isinstance(since, str):
            try:
                since = datetime.datetime.fromisoformat(since)
            except ValueError:
                since = None
        out.append({
            "name": pkg.name, "title": pkg.title or pkg.name,
            "organization": (org.title or org.name) if org is not None else "",
            "since": since, "files": [f for f in state["files"] if f["blocking"]],
        })
    out.sort(key=lambda r: (r["since"] is None, r["since"] or 0))  # oldest first, undated last
    return out


@blueprint.route("/datos-personales/revisiones")
def queue() -> Any:
    if _action_exists("sach_privacy_review_queue"):
        allowed = _allowed("sach_privacy_review_queue", {})
    else:
        allowed = helpers.is_reviewer(tk.g.userobj)
    if not allowed:
        return tk.abort(403, tk._("Sólo los revisores de datos personales ({who}) pueden ver la lista "
                                  "de revisiones pendientes.").format(who=helpers.sach_privacy_reviewers()))
    return tk.render("sach/privacy/queue.html", extra_vars={
        "items": _queue_rows(), "reviewers": helpers.sach_privacy_reviewers(),
    })


# --- files with findings stay with their dependencia --------------------------------------

@blueprint.before_app_request
def _guard_resource_pages() -> Any:
    """Resource pages, downloads and views of a waiting file: 403 for outsiders.

    Every endpoint with a ``resource_id`` in its URL (resource page, download,
    views, DataStore dump): the refusal is given here, before CKAN's view
    runs, as a Spanish 403 page (404 when the dataset itself is not public).
    """
    args = request.view_args or {}
    res_id = args.get("resource_id")
    if not res_id or not isinstance(res_id, str):
        return None
    from . import access

    user = tk.current_user if tk.current_user.is_authenticated else None
    if access.may_read(user, res_id):
        return None
    resource = model.Resource.get(res_id)
    pkg = model.Package.get(resource.package_id) if resource is not None else None
    if pkg is None or pkg.private or pkg.state != "active":
        return tk.abort(404, tk._("Recurso no encontrado"))
    return tk.abort(403, tk._("Este archivo está en revisión de datos personales y todavía no es público."))


# --- flash after a resource upload ---------------------------------------------------------

def _is_resource_form() -> bool:
    endpoint = request.endpoint or ""
    return request.method == "POST" and (endpoint.endswith("resource.new") or endpoint.endswith("resource.edit"))


@blueprint.before_app_request
def _mark_upload_start() -> None:
    if _is_resource_form():
        tk.g.sach_privacy_since = pmodel.utcnow()


def upload_message(files: list[dict[str, Any]], reviewers: str, review_url: str) -> tuple[str, Markup]:
    """(category, message) of the flash after an upload; ``files`` as in :func:`helpers.scan_state`."""
    parts: list[Markup] = []
    category = "alert-success"
    for f in files:
        name = escape(f["name"])
        if f["status"] == "clean":
            parts.append(escape(tk._("Revisamos «{name}»: no encontramos datos personales.")).format(name=name))
        elif f["status"] == "findings":
            category = "alert-warning"
            parts.append(escape(tk._(
                "«{name}» tiene posibles datos personales: {found}. El conjunto no podrá hacerse público "
                "hasta que lo revise {who}.")).format(name=name, found=f["findings"], who=reviewers))
        elif f["status"] == "pending":
            category = "alert-info" if category == "alert-success" else category
            parts.append(escape(tk._(
                "«{name}» es grande o está enlazado: la revisión de datos personales corre en segundo plano. "
                "El conjunto no podrá hacerse público hasta que termine.")).format(name=name))
        else:
            category = "alert-warning"
            parts.append(escape(tk._(
                "La revisión de datos personales de «{name}» quedó incompleta: el conjunto no podrá "
                "hacerse público hasta que lo revise {who}.")).format(name=name, who=reviewers))
    if category != "alert-success":
        parts.append(Markup('<a class="alert-link text-decoration-underline" href="{url}">{label}</a>').format(
            url=review_url, label=tk._("Ver los datos personales del conjunto")))
    return category, Markup(" ").join(parts)


@blueprint.after_app_request
def _flash_upload_result(response: Any) -> Any:
    since = getattr(tk.g, "sach_privacy_since", None)
    if since is None or not _is_resource_form() or response.status_code not in (301, 302, 303):
        return response
    try:
        from . import guard

        pkg = model.Package.get((request.view_args or {}).get("id") or "")
        if pkg is None or not guard.enabled():
            return response
        scans = (model.Session.query(pmodel.PrivacyScan)
                 .filter(pmodel.PrivacyScan.package_id == pkg.id,
                         pmodel.PrivacyScan.superseded.is_(False),
                         pmodel.PrivacyScan.created >= since)
                 .order_by(pmodel.PrivacyScan.created).all())
        if not scans:
            return response
        state = helpers.scan_state(pkg.id)
        new = {s.resource_id for s in scans}
        files = [f for f in state["files"] if f["resource_id"] in new]
        for scan in scans:  # clean scans are not in scan_state's files
            if scan.status == "clean" and scan.resource_id:
                res = model.Resource.get(scan.resource_id)
                name = (res.name or res.url.rsplit("/", 1)[-1]) if res is not None else tk._("archivo")
                files.append({"resource_id": scan.resource_id, "name": name, "status": "clean",
                              "findings": ""})
        if files:
            category, message = upload_message(
                files, helpers.sach_privacy_reviewers(), tk.h.url_for("sach_privacy.review", id=pkg.name))
            flash(message, category=category)
    except Exception:
        import logging

        logging.getLogger(__name__).exception("Could not tell the officer the scan result")
    return response


def get_blueprints() -> list[Any]:
    return [blueprint]
