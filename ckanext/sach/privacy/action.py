"""Actions of the personal-data guard.

- ``package_create`` / ``package_update`` (chained): the publication gate of
  :mod:`ckanext.sach.privacy.guard` (after :func:`ckanext.sach.logic.uploads.check`,
  which turns files CKAN cannot store there into a 409).
- ``sach_privacy_review_create``: a *privacy reviewer* (see
  :mod:`ckanext.sach.privacy.auth`), never the uploader of the files, records
  the review of a dataset's findings (decision, legal basis, reason); it
  covers every scan waiting for review and sets the dataset's personal-data
  declaration, in one transaction. ``anonymised`` is verified: the current
  files are scanned again and the claim is refused while identifiers of the
  kinds found remain (detector, column and rows named, never values).
- ``sach_privacy_rescan``: the officer's retry (new pending scans + jobs).
- ``sach_privacy_review_queue``: reviewers' queue, oldest first.
- ``dataset_purge`` (chained): removes the dataset's scans; reviews stay.
- ``sach_privacy_review_list``: the audit trail of a dataset, newest first.
- ``sach_privacy_scan_list``: the current scans of a dataset (counts and
  locations only).
"""
from __future__ import annotations

import json
from typing import Any, cast

from flask import has_request_context, request

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict, ErrorDict

from ckanext.sach import vocab
from ckanext.sach.logic import uploads

from . import guard
from . import model as pmodel

__all__ = [
    "bulk_update_public",
    "dataset_purge",
    "package_create",
    "package_update",
    "sach_privacy_rescan",
    "sach_privacy_review_create",
    "sach_privacy_review_list",
    "sach_privacy_review_queue",
    "sach_privacy_scan_list",
]

#: detectors of identifiers (a column-name hint alone is not an identifier)
IDENTIFIERS = ("curp", "rfc", "clave_elector", "email", "phone")

REASON_MAX = 4000


@tk.chained_action
def package_create(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    uploads.check("package_create", data_dict)
    plan = guard.before("package_create", context, data_dict)
    result = up_func(context, data_dict)
    guard.after(plan, result, context)
    return result


@tk.chained_action
def package_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    uploads.check("package_update", data_dict)
    plan = guard.before("package_update", context, data_dict)
    result = up_func(context, data_dict)
    guard.after(plan, result, context)
    return result


@tk.chained_action
def bulk_update_public(up_func: Action, context: Context, data_dict: DataDict) -> Any:
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


def _locations(summary: dict[str, Any], kinds: set[str]) -> str:
    """«CURP en la columna «curp», filas 2, 3» for each remaining identifier (no values)."""
    from .helpers import KIND_LABELS

    parts = []
    samples = summary.get("samples") or {}
    for kind, n in (summary.get("counts") or {}).items():
        if kind not in kinds or not n:
            continue
        by_column: dict[str, list[int]] = {}
        for sample in samples.get(kind) or []:
            by_column.setdefault(str(sample.get("column")), []).append(int(sample.get("row") or 0))
        label = tk._(KIND_LABELS.get(kind, (kind, kind))[0])
        where = "; ".join(tk._("columna «{column}», filas {rows}").format(
            column=col, rows=", ".join(str(r) for r in rows)) for col, rows in by_column.items())
        parts.append(tk._("{label} ({n} en total): {where}").format(label=label, n=n, where=where))
    return " | ".join(parts)


def _verify_anonymised(scans: list[Any]) -> list[tuple[Any, Any]]:
    """Scan every reviewed file again; refuse while identifiers of the kinds found remain.

    Returns (old scan, new result) pairs for the new scan rows."""
    from . import jobs

    errors = []
    fresh = []
    for scan in scans:
        res = model.Resource.get(scan.resource_id) if scan.resource_id else None
        if res is None or res.state != "active":
            continue
        name = res.name or (res.url or "").rsplit("/", 1)[-1] or res.id
        try:
            result = jobs.scan_current(res, scan.format, scan.source)
        except jobs.fetch_errors() as exc:  # unreachable link, unreadable file: cannot be verified
            errors.append(tk._("«{name}»: no se pudo volver a revisar el archivo ({error}).").format(
                name=name, error=type(exc).__name__))
            continue
        old = json.loads(scan.summary) if scan.summary else {}
        kinds = {k for k, n in (old.get("counts") or {}).items() if n and k in IDENTIFIERS}
        if not kinds and scan.status == "findings":
            kinds = set(IDENTIFIERS)
        summary = guard.summary_of(result)
        left = {k for k, n in (summary.get("counts") or {}).items() if n and k in kinds}
        if left:
            errors.append(tk._("«{name}» todavía contiene identificadores: {where}. Anonimice el archivo "
                               "y súbalo de nuevo.").format(name=name, where=_locations(summary, left)))
        elif not result.complete:
            errors.append(tk._("«{name}»: no se pudo verificar la anonimización (revisión incompleta: "
                               "{error}).").format(name=name, error=result.error or ""))
        else:
            fresh.append((scan, result))
    if errors:
        raise tk.ValidationError({"decision": [tk._("No se registró «anonimizados»:") + " " + " ".join(errors)]})
    return fresh


def _record(review: Any, scans: list[Any]) -> None:
    """The review row and the scans it covers (same transaction as the dataset change)."""
    model.Session.add(review)
    model.Session.flush()
    for scan in scans:
        scan.review_id = review.id


def sach_privacy_review_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record the review of a dataset's personal-data findings (privacy reviewers only).

    :param package_id: id or name of the dataset
    :param decision: ``no`` (no personal data: false positive), ``anonymised``
        (verified: the files are scanned again) or ``public_by_law``
        (vocabulary ``personal_data``)
    :param legal_basis: legal basis or anonymisation method (required unless ``no``)
    :param reason: what the reviewer checked and why the data may be published

    The reviewer may not be the user who uploaded or last replaced a file waiting for
    review (sysadmins included). The review row, the scans it covers and the dataset's
    declaration are saved in one transaction.
    """
    from . import auth as pauth
    from .helpers import findings_text

    pkg = _package(data_dict)
    tk.check_access("sach_privacy_review_create", context, {"package_id": pkg.id})
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Debe iniciar sesión."))
    if not pauth.can_review(user, pkg):
        raise tk.NotAuthorized(tk._(
            "Usted subió o reemplazó un archivo de este conjunto de datos: la revisión de datos "
            "personales debe registrarla otro revisor (regla de los cuatro ojos)."))
    errors: ErrorDict = {}
    decision = data_dict.get("decision")
    decision = decision.strip() if isinstance(decision, str) else ""
    item = vocab.get("personal_data", decision) if decision else None
    if item is None:
        errors["decision"] = [tk._("Elija una decisión: sin datos personales, anonimizados o públicos por ley.")]
    legal_basis = data_dict.get("legal_basis")
    legal_basis = legal_basis.strip() if isinstance(legal_basis, str) else ""
    if item is not None and item.get("requires_legal_basis") and not legal_basis:
        errors["legal_basis"] = [tk._("Indique el fundamento legal o el método de anonimización.")]
    reason = data_dict.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = [tk._("Explique qué revisó y por qué los datos pueden publicarse.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [tk._("El motivo es demasiado largo (máximo 4000 caracteres).")]
    if errors:
        raise tk.ValidationError(errors)

    scans = pmodel.blocking_scans(pkg.id, waiting=False)
    fresh = _verify_anonymised(scans) if decision == "anonymised" else []
    names = {r.id: (r.name or (r.url or "").rsplit("/", 1)[-1] or r.id) for r in pkg.resources}
    files = [{"resource_id": s.resource_id, "name": names.get(s.resource_id or "", ""), "status": s.status,
              "counts": (json.loads(s.summary) if s.summary else {}).get("counts") or {},
              "findings": findings_text(json.loads(s.summary) if s.summary else {})} for s in scans]
    try:
        review = pmodel.PrivacyReview(
            package_id=pkg.id, user_id=user.id, user_name=user.name, decision=decision,
            legal_basis=legal_basis or None, reason=reason, scans_reviewed=len(scans),
            package_name=pkg.name, package_title=pkg.title, files=json.dumps(files, ensure_ascii=False))
        covered = list(scans)
        now = pmodel.utcnow()
        for old, result in fresh:  # the verified rescan is the file's current scan
            old.superseded = True
            new = pmodel.PrivacyScan(
                package_id=pkg.id, resource_id=old.resource_id, status=guard.status_of(result),
                source=old.source, format=old.format, total=result.total, finished=now,
                uploaded_by=old.uploaded_by, summary=json.dumps(guard.summary_of(result), ensure_ascii=False))
            model.Session.add(new)
            covered.append(new)
        _record(review, covered)  # flushed, not committed
        # the dataset's declaration follows; package_update commits the review with it (one transaction)
        patch = {"id": pkg.id, "personal_data": decision,
                 "personal_data_legal_basis": legal_basis if item and item.get("requires_legal_basis") else ""}
        # guard.SKIP_FLAG is this extension's own key, which CKAN's Context does not declare
        patch_context = cast("Context", {"user": user.name, "ignore_auth": True, guard.SKIP_FLAG: True})
        tk.get_action("package_patch")(patch_context, patch)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return review.as_dict()


def sach_privacy_rescan(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Scan a dataset's files again in the background (the officer's retry of a failed or pending scan).

    :param package_id: id or name of the dataset
    :param resource_id: only this resource (optional)

    Reviews of findings stand only for an unchanged file: a rescan that finds something
    needs a new review.
    """
    from . import jobs

    pkg = _package(data_dict)
    tk.check_access("sach_privacy_rescan", context, {"package_id": pkg.id})
    if not guard.enabled():
        raise tk.ValidationError({"package_id": [tk._("La revisión de datos personales está desactivada.")]})
    only = data_dict.get("resource_id")
    if only is not None and (not isinstance(only, str) or only not in {r.id for r in pkg.resources}):
        raise tk.ValidationError({"resource_id": [tk._("El recurso no pertenece a este conjunto de datos.")]})
    ids = jobs.schedule_dataset(pkg, only)
    guard.enqueue(ids)
    return {"package_id": pkg.id, "scans": ids}


@tk.side_effect_free
def sach_privacy_review_queue(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Datasets waiting for a personal-data review, across dependencias, oldest first (reviewers only).

    Each item: ``package_id``, ``name``, ``title``, ``owner_org``, ``organization_title``,
    ``since`` (oldest waiting scan, ISO), ``files`` (resource_id, name, status, counts, total),
    ``counts`` (per detector, all files), ``can_review`` (False when the caller uploaded a file).
    """
    from . import auth as pauth

    tk.check_access("sach_privacy_review_queue", context, data_dict or {})
    user = model.User.get(context.get("user") or "")
    rows = (model.Session.query(pmodel.PrivacyScan, model.Package)
            .join(model.Package, model.Package.id == pmodel.PrivacyScan.package_id)
            .filter(pmodel.PrivacyScan.superseded.is_(False), pmodel.PrivacyScan.review_id.is_(None),
                    pmodel.PrivacyScan.status.in_(pmodel.BLOCKING), model.Package.state != "deleted")
            .order_by(pmodel.PrivacyScan.created).all())
    items: dict[str, dict[str, Any]] = {}
    for scan, pkg in rows:
        res = model.Resource.get(scan.resource_id) if scan.resource_id else None
        if scan.resource_id and (res is None or res.state != "active"):
            continue
        item = items.get(pkg.id)
        if item is None:
            org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
            item = items[pkg.id] = {
                "package_id": pkg.id, "name": pkg.name, "title": pkg.title, "owner_org": pkg.owner_org,
                "organization_title": (org.title or org.name) if org is not None else None,
                "private": pkg.private, "state": pkg.state,
                "since": scan.created.isoformat(), "oldest": scan.created.isoformat(),
                "files": [], "counts": {}, "can_review": pauth.can_review(user, pkg)}
        summary = json.loads(scan.summary) if scan.summary else {}
        counts = summary.get("counts") or {}
        item["files"].append({"resource_id": scan.resource_id,
                              "name": (res.name or (res.url or "").rsplit("/", 1)[-1]) if res else "",
                              "status": scan.status, "counts": counts, "total": scan.total})
        for kind, n in counts.items():
            item["counts"][kind] = item["counts"].get(kind, 0) + n
    return list(items.values())


@tk.chained_action
def dataset_purge(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Purge, then remove the dataset's scans (its reviews stay: audit trail)."""
    ref = data_dict.get("id") if isinstance(data_dict, dict) else None
    pkg = model.Package.get(ref) if isinstance(ref, str) and ref else None
    package_id = pkg.id if pkg is not None else None
    result = up_func(context, data_dict)
    if package_id and guard.enabled():
        pmodel.delete_scans(package_id)
        model.Session.commit()
    return result


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
    for scan in scans:  # who uploaded is kept for the four-eyes rule, shown only as a flag
        scan["uploaded_by_you"] = bool(scan["uploaded_by"]) and scan["uploaded_by"] == (
            getattr(context.get("auth_user_obj"), "id", None))
    return {"package_id": pkg.id, "blocked": any(s["blocking"] for s in scans), "scans": scans}
