"""Auth of the personal-data guard: editors and admins of the dataset's dependencia.

Both functions defer to CKAN's ``package_update`` rule for the dataset (editors
and admins of the owner organization, collaborators with edit rights when
enabled, sysadmins). Anonymous users are always refused.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["sach_privacy_review_create", "sach_privacy_review_list"]


def _can_edit(context: Context, data_dict: DataDict) -> AuthResult:
    package_id = (data_dict or {}).get("package_id")
    if not context.get("user") or not package_id:
        return {"success": False, "msg": tk._("Sólo los responsables de la dependencia.")}
    try:
        tk.check_access("package_update", dict(context), {"id": package_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Sólo los responsables de la dependencia.")}
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Conjunto de datos no encontrado")}
    return {"success": True}


def sach_privacy_review_create(context: Context, data_dict: DataDict) -> Any:
    return _can_edit(context, data_dict)


@tk.auth_disallow_anonymous_access
def sach_privacy_review_list(context: Context, data_dict: DataDict) -> Any:
    return _can_edit(context, data_dict)
