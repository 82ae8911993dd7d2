"""Actions of the participation requests (``sach_request_*``)."""
from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckan.logic import validate
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from ckanext.sach import config
from ckanext.sach.microsite.model import KINDS, STATUSES, Request, utcnow
from ckanext.sach.web.request import request

__all__ = [
    "sach_request_answer",
    "sach_request_create",
    "sach_request_list",
    "sach_request_show",
]

MAX_TITLE = 200
MAX_BODY = 4000
MAX_NAME = 200


def _max_length(limit: int):
    def validator(value: Any) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise tk.Invalid(tk._("Máximo {n} caracteres").format(n=limit))
        return value

    return validator


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@tk.validator_args
def create_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator, email_validator: Validator,
    one_of: ValidatorFactory,
) -> Schema:
    return {
        "kind": [not_empty, unicode_safe, one_of(list(KINDS))],
        "title": [_strip, not_empty, unicode_safe, _max_length(MAX_TITLE)],
        "body": [_strip, not_empty, unicode_safe, _max_length(MAX_BODY)],
        "package_id": [ignore_missing, unicode_safe],
        "organization_id": [ignore_missing, unicode_safe],
        "requester_name": [_strip, not_empty, unicode_safe, _max_length(MAX_NAME)],
        "requester_email": [_strip, not_empty, unicode_safe, email_validator],
    }


@tk.validator_args
def list_schema(
    ignore_missing: Validator, unicode_safe: Validator, one_of: ValidatorFactory,
    natural_number_validator: Validator, int_validator: Validator,
) -> Schema:
    return {
        "status": [ignore_missing, unicode_safe, one_of(list(STATUSES))],
        "kind": [ignore_missing, unicode_safe, one_of(list(KINDS))],
        "package_id": [ignore_missing, unicode_safe],
        "limit": [ignore_missing, int_validator, natural_number_validator],
        "offset": [ignore_missing, int_validator, natural_number_validator],
    }


@tk.validator_args
def answer_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator, one_of: ValidatorFactory,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "status": [not_empty, unicode_safe, one_of(list(STATUSES))],
        "answer": [ignore_missing, _strip, unicode_safe, _max_length(MAX_BODY)],
    }


class RateLimited(tk.ValidationError):
    """Too many requests from one client within the window."""


def _client_key(context: Context) -> str:
    user = context.get("user") or ""
    ip = ""
    try:
        if request:
            ip = request.remote_addr or ""
    except RuntimeError:  # outside a request (CLI, jobs)
        ip = ""
    raw = f"user:{user}" if user else f"ip:{ip or 'unknown'}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
    return f"{tk.config.get('ckan.site_id')}:sach:requests:rate:{digest}"


def _check_rate_limit(context: Context) -> None:
    limit = config.requests_rate_limit()
    if limit <= 0:
        return
    key = _client_key(context)
    redis = connect_to_redis()
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, config.requests_rate_window(), nx=True)
    count, _ = pipe.execute()
    if int(count) > limit:
        raise RateLimited(
            {
                "rate_limit": [
                    tk._(
                        "Ha enviado demasiadas solicitudes. Intente de nuevo más tarde."
                    )
                ]
            }
        )


def _public_dataset(id_or_name: str) -> model.Package | None:
    pkg = model.Package.get(id_or_name)
    if pkg is None or pkg.state != "active" or pkg.private or pkg.type != "dataset":
        return None
    return pkg


def validate_request(data_dict: DataDict, context: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every field of a request checked in one pass: ``(data, errors)``
    (the form shows all errors at once instead of one round per field)."""
    data, errors = tk.navl_validate(data_dict, create_schema(), context)
    errors = {k: list(v) for k, v in errors.items() if v}
    if data.get("kind") == "comment":
        pkg = _public_dataset(data.get("package_id") or "")
        if pkg is None:
            errors.setdefault("package_id", []).append(
                tk._("Indique un conjunto de datos público existente")
            )
        else:
            data["package_id"] = pkg.id
            data.setdefault("organization_id", pkg.owner_org)
    else:
        data.pop("package_id", None)
    if data.get("organization_id"):
        org = model.Group.get(data["organization_id"])
        if org is None or not org.is_organization or org.state != "active":
            errors.setdefault("organization_id", []).append(
                tk._("Dependencia no encontrada")
            )
        else:
            data["organization_id"] = org.id
    return data, errors


def sach_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A citizen requests a new dataset (``kind=dataset``) or comments on a
    public dataset (``kind=comment`` with ``package_id``).

    :param kind: ``dataset`` or ``comment``
    :param title: subject (max 200 characters)
    :param body: the request or comment (max 4000 characters)
    :param package_id: id or name of the dataset commented on (comments only)
    :param organization_id: id or name of the dependencia asked (optional)
    :param requester_name: name of the citizen (never shown publicly)
    :param requester_email: e-mail for the answer (never shown publicly)
    :returns: the public view of the request (no contact data)
    """
    tk.check_access("sach_request_create", context, data_dict)
    data, errors = validate_request(data_dict, context)
    if errors:
        raise tk.ValidationError(errors)
    _check_rate_limit(context)

    req = Request(
        kind=data["kind"],
        title=data["title"],
        body=data["body"],
        package_id=data.get("package_id"),
        organization_id=data.get("organization_id"),
        requester_name=data["requester_name"],
        requester_email=data["requester_email"],
        status="new",
    )
    model.Session.add(req)
    model.Session.commit()
    return req.public_dict()


@tk.side_effect_free
@validate(list_schema)
def sach_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Public list of requests, newest first, without contact data.

    :param status: filter by status (``new``, ``in_progress``, ``answered``, ``rejected``)
    :param kind: filter by kind (``dataset``, ``comment``)
    :param package_id: only comments on this dataset (id or name)
    :param limit: max results (default 20, at most 100)
    :param offset: results to skip
    :returns: ``{"count": n, "results": [...]}``
    """
    tk.check_access("sach_request_list", context, data_dict)
    query = model.Session.query(Request)
    if data_dict.get("status"):
        query = query.filter(Request.status == data_dict["status"])
    if data_dict.get("kind"):
        query = query.filter(Request.kind == data_dict["kind"])
    if data_dict.get("package_id"):
        pkg = _public_dataset(data_dict["package_id"])
        query = query.filter(Request.package_id == (pkg.id if pkg else None))
    # comments on datasets that are no longer public are hidden
    visible = sa.select(model.Package.id).where(
        model.Package.private.is_(False), model.Package.state == "active"
    )
    query = query.filter(
        sa.or_(Request.package_id.is_(None), Request.package_id.in_(visible))
    )
    count = query.count()
    limit = min(int(data_dict.get("limit", 20)), 100)
    offset = int(data_dict.get("offset", 0))
    rows = query.order_by(Request.created.desc(), Request.id).offset(offset).limit(limit)
    return {"count": count, "results": [r.public_dict() for r in rows]}


@tk.side_effect_free
def sach_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One request; the requester's name and e-mail only for officers who may
    answer it.

    :param id: the request id
    """
    tk.check_access("sach_request_show", context, data_dict)
    req = Request.get(str(data_dict.get("id") or ""))
    if req is None:
        raise tk.ObjectNotFound(tk._("Solicitud no encontrada"))
    if req.package_id and _public_dataset(req.package_id) is None:
        raise tk.ObjectNotFound(tk._("Solicitud no encontrada"))
    try:
        tk.check_access("sach_request_answer", context.copy(), {"id": req.id})
    except tk.NotAuthorized:
        return req.public_dict()
    return req.private_dict()


def sach_request_answer(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An officer sets the status and the public answer of a request.

    :param id: the request id
    :param status: ``new``, ``in_progress``, ``answered`` or ``rejected``
    :param answer: public answer (required for ``answered`` and ``rejected``)
    """
    data, errors = tk.navl_validate(data_dict, answer_schema(), context)
    if "id" in errors:
        raise tk.ValidationError(errors)
    req = Request.get(data["id"])
    if req is None:
        raise tk.ObjectNotFound(tk._("Solicitud no encontrada"))
    tk.check_access("sach_request_answer", context, {"id": req.id})
    if data.get("status") in ("answered", "rejected") and not data.get("answer"):
        errors.setdefault("answer", []).append(
            tk._("Escriba la respuesta que verá la ciudadanía")
        )
    if errors:
        raise tk.ValidationError(errors)
    user = model.User.get(context.get("user") or "")
    req.status = data["status"]
    if data.get("answer") is not None:
        req.answer = data["answer"]
    req.answered_by = user.id if user else None
    req.answered_at = utcnow()
    model.Session.commit()
    return req.private_dict()
