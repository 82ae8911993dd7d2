"""Auth of the personal-data guard, and the four-eyes rule.

*Privacy reviewers* are sysadmins and the members of the dependencia named by
``ckanext.sach.privacy.reviewer_org`` (default: the Coordinación General de
Transparencia) with at least ``ckanext.sach.privacy.reviewer_role`` (default
``editor``: editors and admins). A reviewer never reviews a file they uploaded
or last replaced (``uploaded_by`` of its scans): this holds for sysadmins too —
decision: a sysadmin who uploaded a file with findings needs another reviewer,
so four eyes is the default for everybody and there is no override.

- ``sach_privacy_review_create``: privacy reviewers (the uploader check is
  :func:`can_review`, applied by the action with a clear message).
- ``sach_privacy_review_list`` / ``sach_privacy_scan_list``: editors of the
  dataset (CKAN's ``package_update`` rule) and privacy reviewers.
- ``sach_privacy_rescan``: editors of the dataset (the officer's retry).
- ``sach_privacy_review_queue``: privacy reviewers.
- ``package_show`` (chained): a privacy reviewer may also read a private dataset
  of another dependencia while one of its files waits for review (the review
  page and the queue need it); nothing else changes.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.sach import config as sach_config

__all__ = [
    "package_show",
    "sach_privacy_rescan",
    "sach_privacy_review_create",
    "sach_privacy_review_list",
    "sach_privacy_review_queue",
]

ROLES = {"member": ("member", "editor", "admin"), "editor": ("editor", "admin"), "admin": ("admin",)}


def _user(user: Any) -> model.User | None:
    if user is None or isinstance(user, model.User):
        return user
    if isinstance(user, dict):
        user = user.get("id") or user.get("name")
    return model.User.get(user) if isinstance(user, str) and user else None


def reviewer_org() -> model.Group | None:
    name = sach_config.privacy_reviewer_org()
    org = model.Group.get(name) if name else None
    return org if org is not None and org.state == "active" and org.is_organization else None


def _capacities() -> tuple[str, ...]:
    return ROLES.get((sach_config.privacy_reviewer_role() or "editor").strip().lower(), ROLES["editor"])


def is_privacy_reviewer(user: Any) -> bool:
    """Sysadmin, or member of the reviewers' dependencia with the configured role.

    ``user``: a ``model.User``, a user name or id, a user dict, or None."""
    user = _user(user)
    if user is None or user.state != "active":
        return False
    if user.sysadmin:
        return True
    org = reviewer_org()
    if org is None:
        return False
    return model.Session.query(model.Member.id).filter(
        model.Member.group_id == org.id, model.Member.table_name == "user",
        model.Member.table_id == user.id, model.Member.state == "active",
        model.Member.capacity.in_(_capacities())).first() is not None


is_reviewer = is_privacy_reviewer


def reviewers() -> list[model.User]:
    """Every privacy reviewer (sysadmins and the dependencia's members with the role)."""
    users = {u.id: u for u in model.Session.query(model.User)
             .filter(model.User.sysadmin.is_(True), model.User.state == "active")}
    org = reviewer_org()
    if org is not None:
        rows = (model.Session.query(model.User)
                .join(model.Member, model.Member.table_id == model.User.id)
                .filter(model.Member.group_id == org.id, model.Member.table_name == "user",
                        model.Member.state == "active", model.Member.capacity.in_(_capacities()),
                        model.User.state == "active"))
        users.update({u.id: u for u in rows})
    return [u for u in users.values() if u.name != tk.config.get("ckan.site_id")]


def _package(dataset: Any) -> model.Package | None:
    if isinstance(dataset, model.Package):
        return dataset
    if isinstance(dataset, dict):
        dataset = dataset.get("id") or dataset.get("name")
    return model.Package.get(dataset) if isinstance(dataset, str) and dataset else None


def uploaders(package_id: str) -> set[str]:
    """Ids of the users who uploaded or replaced the files waiting for review in a dataset."""
    from . import model as pmodel

    return {s.uploaded_by for s in pmodel.blocking_scans(package_id) if s.uploaded_by}


def can_review(user: Any, dataset: Any) -> bool:
    """A privacy reviewer who did not upload or replace any file of ``dataset`` that waits for review."""
    user = _user(user)
    pkg = _package(dataset)
    if user is None or pkg is None or not is_privacy_reviewer(user):
        return False
    return user.id not in uploaders(pkg.id)


def _context_user(context: Context) -> model.User | None:
    return context.get("auth_user_obj") or _user(context.get("user"))


def _can_edit(context: Context, data_dict: DataDict) -> AuthResult:
    package_id = (data_dict or {}).get("package_id")
    if not context.get("user") or not package_id:
        return {"success": False, "msg": tk._("Sólo los responsables de la dependencia.")}
    try:
        tk.check_access("package_update", context.copy(), {"id": package_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Sólo los responsables de la dependencia.")}
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Conjunto de datos no encontrado")}
    return {"success": True}


def _reviewer_msg() -> str:
    org = reviewer_org()
    return tk._("Sólo un revisor de datos personales ({org}) puede registrar la revisión.").format(
        org=(org.title or org.name) if org is not None else tk._("Coordinación General de Transparencia"))


def sach_privacy_review_create(context: Context, data_dict: DataDict) -> AuthResult:
    if not context.get("user") or not is_privacy_reviewer(_context_user(context)):
        return {"success": False, "msg": _reviewer_msg()}
    return {"success": True}


@tk.auth_disallow_anonymous_access
def sach_privacy_review_list(context: Context, data_dict: DataDict) -> AuthResult:
    if is_privacy_reviewer(_context_user(context)):
        return {"success": True}
    return _can_edit(context, data_dict)


def sach_privacy_rescan(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_edit(context, data_dict)


@tk.auth_disallow_anonymous_access
def sach_privacy_review_queue(context: Context, data_dict: DataDict) -> AuthResult:
    if is_privacy_reviewer(_context_user(context)):
        return {"success": True}
    return {"success": False, "msg": _reviewer_msg()}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: AuthFunction, context: Context, data_dict: DataDict | None) -> AuthResult:
    # CKAN types the chained data_dict as optional but AuthFunction's members as mandatory: the
    # same dict is passed on unchanged.
    result = next_auth(context, data_dict)  # type: ignore[arg-type]
    if result.get("success") or not context.get("user"):
        return result
    user = _context_user(context)
    if not is_privacy_reviewer(user):
        return result
    pkg = context.get("package") or _package((data_dict or {}).get("id"))
    if pkg is None or pkg.state == "deleted":
        return result
    from . import model as pmodel

    if pmodel.blocking_scans(pkg.id, waiting=False):
        return {"success": True}
    return result
