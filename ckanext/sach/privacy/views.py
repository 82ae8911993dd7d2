"""Officers' page of a dataset's personal-data findings and reviews.

``/dataset/<id>/datos-personales``: the current scans (counts and (row,
column) locations, never values), the audit trail, and the review form
(POST records a review through ``sach_privacy_review_create``).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

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


def _context() -> dict[str, Any]:
    return {"user": tk.g.user, "auth_user_obj": tk.g.userobj}


@blueprint.route("/dataset/<id>/datos-personales", methods=["GET", "POST"])
def review(id: str) -> Any:
    context = _context()
    try:
        pkg = tk.get_action("package_show")(context, {"id": id})
        tk.check_access("sach_privacy_review_list", context, {"package_id": pkg["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Sólo los responsables de la dependencia pueden ver esta página."))
    errors: dict[str, Any] = {}
    form: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = {k: tk.request.form.get(k, "") for k in ("decision", "legal_basis", "reason")}
        try:
            tk.get_action("sach_privacy_review_create")(context, dict(form, package_id=pkg["id"]))
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Sólo los responsables de la dependencia pueden registrar revisiones."))
        except tk.ValidationError as exc:
            errors = exc.error_dict
        else:
            tk.h.flash_success(tk._("Revisión registrada. El conjunto de datos ya puede publicarse."))
            return tk.redirect_to("sach_privacy.review", id=pkg["name"])
    scans = tk.get_action("sach_privacy_scan_list")(context, {"package_id": pkg["id"]})
    reviews = tk.get_action("sach_privacy_review_list")(context, {"package_id": pkg["id"]})
    names = {r["id"]: r.get("name") or r["id"] for r in pkg.get("resources", [])}
    return tk.render("sach/privacy/review.html", extra_vars={
        "pkg": pkg, "pkg_dict": pkg, "scans": scans["scans"], "blocked": scans["blocked"],
        "reviews": reviews, "errors": errors, "form": form, "resource_names": names,
        "detector_labels": DETECTOR_LABELS, "status_labels": STATUS_LABELS,
    }), (400 if errors else 200)


def get_blueprints() -> list[Any]:
    return [blueprint]
