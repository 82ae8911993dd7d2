"""Hidden datasets stay hidden on CKAN's own endpoints.

Private, draft and deleted datasets are kept out of search by permission
labels (:mod:`ckanext.sach.logic.permission_labels`), but several core actions read the
database directly. Chained here:

- ``tag_list``, ``tag_autocomplete``, ``tag_search``, ``tag_show``: only tags
  of datasets the user may see (and ``tag_show``'s datasets filtered).
- ``member_list``: no ids of datasets the user may not see (and, by its auth function, user
  accounts only for the group's own members).
- ``organization_show``, ``group_show``, ``organization_list``, ``group_list``: the ``users`` of a
  dependencia or tema only for its own members and sysadmins.
- activity streams (``package_activity_list``, ``organization_activity_list``,
  ``group_activity_list``, ``user_activity_list``, ``dashboard_activity_list``,
  ``recently_changed_packages_activity_list``, ``activity_show``,
  ``activity_data_show``, ``activity_diff``): activities of a dataset that is
  now private, draft or deleted are dropped for users who may not see it now,
  even when they were recorded while it was public.

"May see" is the label rule of search: a dataset's labels
(``get_dataset_labels``) meet the user's (``get_user_dataset_labels``);
sysadmins and ``ignore_auth`` calls see everything.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import Action, Context, DataDict

from ckanext.sach.logic import permission_labels as sach_labels
from ckanext.sach.logic.auth import sees_group_users

__all__ = [
    "activity_data_show",
    "activity_diff",
    "activity_show",
    "dashboard_activity_list",
    "group_activity_list",
    "group_list",
    "group_show",
    "member_list",
    "organization_activity_list",
    "organization_list",
    "organization_show",
    "package_activity_list",
    "recently_changed_packages_activity_list",
    "tag_autocomplete",
    "tag_list",
    "tag_search",
    "tag_show",
    "user_activity_list",
]


def _sees_all(context: Context) -> bool:
    if context.get("ignore_auth"):
        return True
    user = context.get("user")
    return bool(user) and authz.is_sysadmin(user)


def _user_labels(context: Context) -> list[str]:
    user = context.get("auth_user_obj")
    if user is None and context.get("user"):
        user = model.User.get(context["user"])
    return sach_labels.get_user_dataset_labels(user)


def visible_clause(context: Context) -> Any:
    """A SQL condition on ``package``: the datasets the user may see (None: all)."""
    if _sees_all(context):
        return None
    pkg = model.Package
    active_private = sa.and_(pkg.state == "active", pkg.private.is_(True))
    members, creators, collaborators = [], [], []
    clauses = []
    for label in _user_labels(context):
        kind, _, value = label.partition("-")
        if label == "public":
            clauses.append(sa.and_(pkg.state == "active", pkg.private.is_(False)))
        elif kind == "member":
            members.append(value)
        elif kind == "creator":
            creators.append(value)
        elif kind == "collaborator":
            collaborators.append(value)
    if members:
        clauses.append(sa.and_(active_private, pkg.owner_org.in_(members)))
    if collaborators:
        clauses.append(sa.and_(active_private, pkg.id.in_(collaborators)))
    if creators:
        clauses.append(sa.and_(pkg.state == "draft", pkg.creator_user_id.in_(creators)))
        clauses.append(sa.and_(active_private, pkg.owner_org.is_(None), pkg.creator_user_id.in_(creators)))
    return sa.or_(*clauses) if clauses else sa.false()


def visible_package_ids(context: Context, ids: Iterable[str | None]) -> set[str]:
    """Of ``ids``, those that are datasets the user may see, plus those that are no dataset."""
    wanted = {i for i in ids if isinstance(i, str)}
    if not wanted:
        return set()
    clause = visible_clause(context)
    if clause is None:
        return wanted
    packages = {i for (i,) in model.Session.query(model.Package.id).filter(model.Package.id.in_(wanted))}
    visible = {i for (i,) in model.Session.query(model.Package.id)
               .filter(model.Package.id.in_(packages), clause)}
    return (wanted - packages) | visible


def _visible_tag_names(context: Context, names: Iterable[str]) -> set[str]:
    names = {n for n in names if isinstance(n, str)}
    clause = visible_clause(context)
    if clause is None or not names:
        return names
    query = (model.Session.query(model.Tag.name).distinct()
             .join(model.PackageTag, model.PackageTag.tag_id == model.Tag.id)
             .join(model.Package, model.Package.id == model.PackageTag.package_id)
             .filter(model.Tag.name.in_(names), model.PackageTag.state == "active", clause))
    return {n for (n,) in query}


def _tag_name(tag: Any) -> Any:
    return tag.get("name") if isinstance(tag, dict) else tag


@tk.chained_action
@tk.side_effect_free
def tag_list(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    tags = next_action(context, data_dict)
    if _sees_all(context) or (data_dict or {}).get("vocabulary_id"):
        return tags  # vocabulary tags are the vocabulary's terms, not metadata of a dataset
    keep = _visible_tag_names(context, map(_tag_name, tags))
    return [t for t in tags if _tag_name(t) in keep]


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    tags = next_action(context, data_dict)
    if _sees_all(context) or (data_dict or {}).get("vocabulary_id"):
        return tags
    keep = _visible_tag_names(context, tags)
    return [t for t in tags if t in keep]


@tk.chained_action
@tk.side_effect_free
def tag_search(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    result = next_action(context, data_dict)
    if _sees_all(context) or (data_dict or {}).get("vocabulary_id"):
        return result
    keep = _visible_tag_names(context, (t.get("name") for t in result.get("results", [])))
    results = [t for t in result.get("results", []) if t.get("name") in keep]
    removed = len(result.get("results", [])) - len(results)
    return dict(result, results=results, count=max(0, result.get("count", 0) - removed))


@tk.chained_action
@tk.side_effect_free
def tag_show(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    result = next_action(context, data_dict)
    if _sees_all(context) or result.get("vocabulary_id"):
        return result
    if not _visible_tag_names(context, [result.get("name")]):
        raise tk.ObjectNotFound(tk._("Etiqueta no encontrada"))
    if "packages" in result:
        keep = visible_package_ids(context, (p.get("id") for p in result["packages"]))
        result = dict(result, packages=[p for p in result["packages"] if p.get("id") in keep])
    return result


@tk.chained_action
@tk.side_effect_free
def member_list(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    members = next_action(context, data_dict)
    if _sees_all(context):
        return members
    keep = visible_package_ids(context, (m[0] for m in members if m[1] == "package"))
    return [m for m in members if m[1] != "package" or m[0] in keep]


def _without_users(context: Context, group: Any) -> Any:
    if isinstance(group, dict) and "users" in group and not sees_group_users(context, group.get("id")):
        group = {key: value for key, value in group.items() if key != "users"}
    return group


@tk.chained_action
@tk.side_effect_free
def organization_show(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _without_users(context, next_action(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def group_show(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _without_users(context, next_action(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def organization_list(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return [_without_users(context, group) for group in next_action(context, data_dict)]


@tk.chained_action
@tk.side_effect_free
def group_list(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return [_without_users(context, group) for group in next_action(context, data_dict)]


def _filter_activities(context: Context, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if _sees_all(context):
        return activities
    refs = {a.get("object_id") for a in activities if isinstance(a, dict)}
    keep = visible_package_ids(context, refs)
    return [a for a in activities if not isinstance(a, dict) or a.get("object_id") in keep]


def _activity_list(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    try:
        activities = next_action(context, data_dict)
    except tk.NotAuthorized as err:
        # CKAN's message repeats the id asked for: it would confirm that a hidden dataset exists
        raise tk.NotAuthorized(tk._("No tiene permiso para ver esta actividad.")) from err
    return _filter_activities(context, activities)


def _list_chain(name: str) -> Any:
    def chained(next_action: Action, context: Context, data_dict: DataDict) -> Any:
        return _activity_list(next_action, context, data_dict)

    chained.__name__ = name
    chained.__doc__ = f"``{name}`` without activities of datasets the user may not see now."
    return tk.side_effect_free(tk.chained_action(chained))


package_activity_list = _list_chain("package_activity_list")
organization_activity_list = _list_chain("organization_activity_list")
group_activity_list = _list_chain("group_activity_list")
user_activity_list = _list_chain("user_activity_list")
recently_changed_packages_activity_list = _list_chain("recently_changed_packages_activity_list")
dashboard_activity_list = _list_chain("dashboard_activity_list")


def _activity_visible(context: Context, activity_id: Any) -> None:
    if _sees_all(context) or not isinstance(activity_id, str):
        return
    from ckanext.activity.model import Activity

    activity = model.Session.query(Activity).get(activity_id)
    if activity is not None and not visible_package_ids(context, [activity.object_id]):
        raise tk.ObjectNotFound(tk._("Actividad no encontrada"))


def _single_chain(name: str) -> Any:
    def chained(next_action: Action, context: Context, data_dict: DataDict) -> Any:
        _activity_visible(context, (data_dict or {}).get("id"))
        return next_action(context, data_dict)

    chained.__name__ = name
    chained.__doc__ = f"``{name}`` refused (not found) for activities of datasets the user may not see now."
    return tk.side_effect_free(tk.chained_action(chained))


activity_show = _single_chain("activity_show")
activity_data_show = _single_chain("activity_data_show")
activity_diff = _single_chain("activity_diff")
