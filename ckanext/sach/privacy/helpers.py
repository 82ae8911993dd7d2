"""Template helpers of the personal-data guard's pages (officers and reviewers).

- ``sach_privacy_state(pkg)``: what the dataset page shows about a dataset's
  scans (blocking files with their findings, who must review, whether the
  current user may review or publish). Computed once per request and dataset.
- ``sach_privacy_reviewers()``: the name of the reviewers' dependencia.
- ``sach_privacy_findings_text(summary)``: "3 CURP, 2 correos electrónicos"-style
  text of a scan's counts (never values).

The reviewer rule itself belongs to :mod:`ckanext.sach.privacy.auth`; these
helpers only ask it (``tk.check_access``), with a sysadmin-only fallback while
that module offers no reviewer function.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.sach import config as sach_config

from . import model as pmodel

__all__ = ["sach_privacy_findings_text", "sach_privacy_reviewers", "sach_privacy_state", "sach_privacy_state_of"]

DEFAULT_REVIEWERS = "Coordinación General de Transparencia"

# singular, plural
KIND_LABELS = {
    "curp": ("CURP", "CURP"),
    "rfc": ("RFC de persona física", "RFC de personas físicas"),
    "clave_elector": ("clave de elector", "claves de elector"),
    "email": ("correo electrónico", "correos electrónicos"),
    "phone": ("teléfono", "teléfonos"),
    "column_name": ("columna con nombre de dato personal", "columnas con nombre de dato personal"),
}


def _user() -> Any:
    try:
        return tk.g.userobj
    except (AttributeError, RuntimeError, TypeError):
        return None


def reviewer_org() -> model.Group | None:
    """The reviewers' dependencia (option of privcore when declared, else none)."""
    getter = getattr(sach_config, "privacy_reviewer_org", None)
    name = getter() if callable(getter) else None
    if not name:
        return None
    return model.Group.get(name)


def sach_privacy_reviewers() -> str:
    org = reviewer_org()
    return (org.title or org.name) if org is not None else tk._(DEFAULT_REVIEWERS)


def is_reviewer(user: Any) -> bool:
    """Whether ``user`` is a privacy reviewer (asks the guard's auth when it knows)."""
    if user is None:
        return False
    from . import auth

    rule = getattr(auth, "is_reviewer", None) or getattr(auth, "is_privacy_reviewer", None)
    if callable(rule):
        try:
            return bool(rule(user))
        except TypeError:
            return bool(rule(user.name))
    if user.sysadmin:
        return True
    org = reviewer_org()
    return bool(org and authz.has_user_permission_for_group_or_org(org.id, user.name, "read"))


def can_review(user: Any, package_id: str) -> bool:
    """A reviewer who did not upload or replace a file waiting in the dataset (four eyes)."""
    from . import auth

    rule = getattr(auth, "can_review", None)
    if callable(rule):
        return bool(user is not None and rule(user, package_id))
    return is_reviewer(user)


def is_member(user: Any, pkg: model.Package) -> bool:
    if user is None:
        return False
    if user.sysadmin:
        return True
    return bool(pkg.owner_org and authz.has_user_permission_for_group_or_org(pkg.owner_org, user.name, "read"))


def _can(action: str, data_dict: dict[str, Any]) -> bool:
    user = _user()
    if user is None:
        return False
    try:
        tk.check_access(action, {"user": user.name, "auth_user_obj": user}, data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def findings_text(summary: dict[str, Any] | None) -> str:
    counts = (summary or {}).get("counts") or {}
    parts = []
    for kind, n in counts.items():
        if not n:
            continue
        one, many = KIND_LABELS.get(kind, (kind, kind))
        parts.append(f"{n} {tk._(one) if n == 1 else tk._(many)}")
    return ", ".join(parts)


sach_privacy_findings_text = findings_text


def scan_state(package_id: str) -> dict[str, Any]:
    """Blocking scans of a dataset with the names of their files (no auth check)."""
    pkg = model.Package.get(package_id)
    if pkg is None:
        return {"blocked": False, "files": []}
    names = {r.id: (r.name or r.url.rsplit("/", 1)[-1] or r.id) for r in pkg.resources}
    files = []
    for scan in pmodel.current_scans(pkg.id):
        if not scan.blocking and scan.status not in {"pending", "error"}:
            continue
        data = scan.as_dict()
        if data["resource_id"] and data["resource_id"] not in names:
            continue  # resource deleted
        files.append({
            "resource_id": data["resource_id"],
            "name": names.get(data["resource_id"] or "", tk._("archivo")),
            "status": data["status"],
            "blocking": data["blocking"] or data["status"] in ("pending", "error"),
            "findings": findings_text(data["summary"]),
            "created": data["created"],
        })
    return {"blocked": any(f["blocking"] for f in files), "files": files}


def sach_privacy_state(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """What the dataset page shows; empty dict when the guard is off or the dataset is not guarded."""
    from . import guard

    if not pkg_dict or pkg_dict.get("type", "dataset") != "dataset" or not guard.enabled():
        return {}
    cache = getattr(tk.g, "sach_privacy_states", None)
    if cache is None:
        cache = {}
        tk.g.sach_privacy_states = cache
    key = pkg_dict["id"]
    if key not in cache:
        pkg = model.Package.get(key)
        user = _user()
        state = scan_state(key)
        can_edit = _can("package_update", {"id": key})
        state.update(
            reviewers=sach_privacy_reviewers(),
            review_url=tk.h.url_for("sach_privacy.review", id=pkg_dict["name"]),
            can_see_review=_can("sach_privacy_review_list", {"package_id": key}) or is_reviewer(user),
            can_review=can_review(user, key) and _can("sach_privacy_review_create", {"package_id": key}),
            can_edit=can_edit,
            is_member=bool(pkg is not None and is_member(user, pkg)),
            can_publish=can_edit and (pkg_dict.get("private") or pkg_dict.get("state") == "draft"),
            publish_url=tk.h.url_for("sach_privacy.publish", id=pkg_dict["name"]),
        )
        cache[key] = state
    return cache[key]


def sach_privacy_state_of(ref: str | None) -> dict[str, Any]:
    """:func:`sach_privacy_state` of a dataset given by id or name (forms know only the URL's id)."""
    pkg = model.Package.get(ref) if ref else None
    if pkg is None:
        return {}
    return sach_privacy_state({"id": pkg.id, "name": pkg.name, "type": pkg.type,
                               "private": pkg.private, "state": pkg.state})
