"""Actions of the personal-data guard.

- ``package_create`` / ``package_update`` (chained): the publication gate of
  :mod:`ckanext.sach.privacy.guard` (after :func:`ckanext.sach.logic.uploads.check`,
  which turns files CKAN cannot store there into a 409).
- ``sach_privacy_review_create``: an officer records the review of a
  dataset's findings (decision, legal basis, reason); it covers every
  blocking scan and sets the dataset's personal-data declaration.
- ``sach_privacy_review_list``: the audit trail of a dataset, newest first.
- ``sach_privacy_scan_list``: the current scans of a dataset (counts and
  locations only).
"""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.sach import vocab
from ckanext.sach.logic import uploads

from . import guard
from . import model as pmodel

__all__ = [
    "package_create",
    "package_update",
    "bulk_update_public",
    "sach_privacy_review_create",
    "sach_privacy_review_list",
    "sach_privacy_scan_list",
]

REASON_MAX = 4000


@tk.chained_action
def package_create(up_func: Any, context: Context, data_dict: DataDict) -> Any:
    uploads.check("package_create", data_dict)
    plan = guard.before("package_create", context, data_dict)
    result = up_func(context, data_dict)
    guard.after(plan, result, context)
    return result


@tk.chained_action
def package_update(up_func: Any, context: Context, data_dict: DataDict) -> Any:
    uploads.check("package_update", data_dict)
    plan = guard.before("package_update", context, data_dict)
    result = up_func(context, data_dict)
    guard.after(plan, result, context)
    return result


@tk.chained_action
def bulk_update_public(up_func: Any, context: Context, data_dict: DataDict) -> Any:
    """All or nothing: refuse before any change when a selected dataset is blocked."""
    tk.check_access("bulk_update_public", context, data_dict)
    if guard.enabled():
        ids = [d for d in data_dict.get("datasets") or [] if isinstance(d, str)]
        pkgs = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all() if ids else []
        blocked = pmodel.blocked_packages([p.id for p in pkgs if p.type == "dataset"])
        if blocked:
            names = sorted(p.name for p in pkgs if p.id in blocked)
            message = tk._("No se publicó ningún conjunto: {names} tiene(n) posibles datos personales "
                           "sin revisar.").format(names=", ".join(names))
            if has_request_context() and "/bulk_process/" in request.path:
                # CKAN's bulk form view only catches NotAuthorized: tell the officer, change nothing
                tk.h.flash_error(message)
                return None
            raise tk.ValidationError({"datasets": [message]})
    return up_func(context, data_dict)


def _package(data_dict: DataDict) -> model.Package:
    ref = data_dict.get("package_id") or data_dict.get("id")
    pkg = model.Package.get(ref) if isinstance(ref, str) and ref else None
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Conjunto de datos no encontrado"))
    return pkg


def sach_privacy_review_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record the review of a dataset's personal-data findings.

    :param package_id: id or name of the dataset
    :param decision: ``no`` (no personal data: false positive), ``anonymised``
        or ``public_by_law`` (vocabulary ``personal_data``)
    :param legal_basis: legal basis or anonymisation method (required unless ``no``)
    :param reason: what the officer checked and why the data may be published
    """
    pkg = _package(data_dict)
    tk.check_access("sach_privacy_review_create", context, {"package_id": pkg.id})
    errors: dict[str, list[str]] = {}
    decision = (data_dict.get("decision") or "").strip()
    item = vocab.get("personal_data", decision) if decision else None
    if item is None:
        errors["decision"] = [tk._("Elija una decisión: sin datos personales, anonimizados o públicos por ley.")]
    legal_basis = (data_dict.get("legal_basis") or "").strip()
    if item is not None and item.get("requires_legal_basis") and not legal_basis:
        errors["legal_basis"] = [tk._("Indique el fundamento legal o el método de anonimización.")]
    reason = (data_dict.get("reason") or "").strip()
    if not reason:
        errors["reason"] = [tk._("Explique qué revisó y por qué los datos pueden publicarse.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [tk._("El motivo es demasiado largo (máximo 4000 caracteres).")]
    if errors:
        raise tk.ValidationError(errors)

    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Debe iniciar sesión."))
    scans = pmodel.blocking_scans(pkg.id)

    # The declaration of the dataset follows the review (same transaction semantics:
    # if the dataset cannot be saved, no review is recorded).
    patch = {"id": pkg.id, "personal_data": decision,
             "personal_data_legal_basis": legal_basis if item and item.get("requires_legal_basis") else ""}
    patch_context = {"user": user.name, "ignore_auth": True, guard.SKIP_FLAG: True}
    tk.get_action("package_patch")(patch_context, patch)

    review = pmodel.PrivacyReview(
        package_id=pkg.id, user_id=user.id, user_name=user.name, decision=decision,
        legal_basis=legal_basis or None, reason=reason, scans_reviewed=len(scans))
    model.Session.add(review)
    model.Session.flush()
    for scan in scans:
        scan.review_id = review.id
    model.Session.commit()
    return review.as_dict()


@tk.side_effect_free
def sach_privacy_review_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The reviews of a dataset, newest first (who, when, decision, legal basis, reason).

    :param package_id: id or name of the dataset
    """
    pkg = _package(data_dict)
    tk.check_access("sach_privacy_review_list", context, {"package_id": pkg.id})
    return [r.as_dict() for r in pmodel.reviews(pkg.id)]


@tk.side_effect_free
def sach_privacy_scan_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Current scans of a dataset's resources and whether publication is blocked.

    :param package_id: id or name of the dataset
    """
    pkg = _package(data_dict)
    tk.check_access("sach_privacy_review_list", context, {"package_id": pkg.id})
    scans = [s.as_dict() for s in pmodel.current_scans(pkg.id)]
    return {"package_id": pkg.id, "blocked": any(s["blocking"] for s in scans), "scans": scans}
