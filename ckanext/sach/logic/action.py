"""action of ckanext-sach."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.dictization import model_dictize
from ckan.types import Action, Context, DataDict

from ckanext.sach.logic.auth import is_tema, may_classify

__all__: list[str] = ["group_list_authz"]


@tk.chained_action
def group_list_authz(next_action: Action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """CKAN's list, plus — when the dataset's page asks (``id`` of a dataset the user may
    edit) — every tema the dataset's editors may assign (see ``logic/auth.py``), so the
    dataset's *Temas* tab offers them."""
    groups = next_action(context, data_dict)
    dataset_id = data_dict.get("id")
    if not dataset_id or tk.asbool(data_dict.get("am_member", False)):
        return groups
    package = model.Package.get(dataset_id)
    if package is None or not may_classify(context, package.id):
        return groups
    have = {g["id"] for g in groups}
    temas = (model.Session.query(model.Group)
             .filter(model.Group.is_organization.is_(False), model.Group.state == "active",
                     model.Group.type == "group")
             .order_by(model.Group.title).all())
    extra = [g for g in temas if g.id not in have and is_tema(g)]
    if tk.asbool(data_dict.get("available_only", False)):
        current = {g.id for g in package.get_groups("group")}
        extra = [g for g in extra if g.id not in current]
    if not extra:
        return groups
    return groups + model_dictize.group_list_dictize(extra, context.copy())
