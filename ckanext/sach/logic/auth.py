"""auth of ckanext-sach.

Temas (CKAN groups) classify the catalogue across dependencias. CKAN lets only
members of a group add datasets to it; here the editors of a dataset (who may
``package_update`` it) may also put it in any tema and take it out
(``ckanext.sach.temas.editors_assign``). Organizations are not affected.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.sach import config as sach_config

__all__: list[str] = ["member_create", "member_list"]


def is_tema(group: model.Group | None) -> bool:
    return (group is not None and not group.is_organization and group.type == "group"
            and group.state == "active")


def may_classify(context: Context, dataset_id: str | None) -> bool:
    """Whether the context's user may put the dataset in (or out of) temas."""
    if not sach_config.temas_editors_assign() or not dataset_id:
        return False
    try:
        check_context: Context = {"user": context.get("user", ""),
                                  "auth_user_obj": context.get("auth_user_obj")}
        tk.check_access("package_update", check_context, {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


@tk.chained_auth_function
def member_create(next_auth: AuthFunction, context: Context,
                  data_dict: DataDict | None) -> AuthResult:
    # member_delete's auth asks member_create's, so this covers taking a dataset out too
    data = data_dict or {}
    if data.get("object_type") == "package" and is_tema(model.Group.get(data.get("id") or "")) \
            and may_classify(context, data.get("object")):
        return {"success": True}
    # CKAN types the chained data_dict as optional but AuthFunction's members as mandatory: the
    # same dict is passed on unchanged.
    return next_auth(context, data_dict)  # type: ignore[arg-type]


def sees_group_users(context: Context, group_id: str | None) -> bool:
    """Whether the context's user may see who belongs to a dependencia or tema (and with which
    role): its own members and sysadmins. Who works where is not public information here
    (``ckan.auth.public_user_details`` is off too)."""
    if context.get("ignore_auth"):
        return True
    user = context.get("user")
    if not user or not group_id:
        return False
    if authz.is_sysadmin(user):
        return True
    group = model.Group.get(group_id)
    return group is not None and authz.users_role_for_group_or_org(group.id, user) is not None


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def member_list(next_auth: AuthFunction, context: Context,
                data_dict: DataDict | None) -> AuthResult:
    # datasets and sub-groups of a group stay listed for everyone (hidden datasets are filtered by
    # the action); user accounts only for the group's own members
    data = data_dict or {}
    if data.get("object_type") not in ("package", "group") and \
            not sees_group_users(context, data.get("id")):
        return {"success": False, "msg": tk._("Solo los miembros de la dependencia pueden ver quién la integra.")}
    # CKAN types the chained data_dict as optional but AuthFunction's members as mandatory: the
    # same dict is passed on unchanged.
    return next_auth(context, data_dict)  # type: ignore[arg-type]
