"""Who may create, read and answer participation requests."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import AuthResult, Context, DataDict

from ckanext.sach.microsite.model import Request

__all__ = [
    "sach_request_answer",
    "sach_request_create",
    "sach_request_list",
    "sach_request_show",
]


@tk.auth_allow_anonymous_access
def sach_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Any citizen, signed in or not (rate-limited by the action)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def sach_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The public list carries no contact data."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def sach_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def _request_org_id(data_dict: DataDict) -> str | None:
    req = Request.get(data_dict.get("id") or "")
    if req is None:
        return None
    if req.organization_id:
        return req.organization_id
    if req.package_id:
        pkg = model.Package.get(req.package_id)
        return pkg.owner_org if pkg else None
    return None


def sach_request_answer(context: Context, data_dict: DataDict) -> AuthResult:
    """Officers answer: sysadmins, editors and admins of the dependencia asked
    (or owning the dataset commented on). Requests addressed to no dependencia
    go to the Coordinación General de Transparencia: any editor or admin of a
    dependencia may take them.
    """
    user = context.get("user")
    if not user:
        return {"success": False, "msg": tk._("Debe iniciar sesión como servidor público")}
    if authz.is_sysadmin(user):
        return {"success": True}
    org_id = _request_org_id(data_dict)
    if org_id:
        allowed = authz.has_user_permission_for_group_or_org(org_id, user, "update_dataset")
    else:
        allowed = authz.has_user_permission_for_some_org(user, "update_dataset")
    if allowed:
        return {"success": True}
    return {
        "success": False,
        "msg": tk._("Sólo el personal de la dependencia puede responder esta solicitud"),
    }


def can_answer(user: str | None, request_id: str | None = None) -> bool:
    """Helper for views: may ``user`` answer requests (this one, or any)?"""
    context: Any = {"user": user, "ignore_auth": False}
    try:
        if request_id:
            tk.check_access("sach_request_answer", context, {"id": request_id})
            return True
        if not user:
            return False
        return authz.is_sysadmin(user) or authz.has_user_permission_for_some_org(
            user, "update_dataset"
        )
    except tk.NotAuthorized:
        return False
