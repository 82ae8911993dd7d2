"""The ``sach_datastore`` plugin: list it after ``datastore`` and ``xloader`` in ckan.plugins."""
from __future__ import annotations

import contextvars
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.xloader.interfaces import IXloader

from . import dictionary, guard, jsonload, status, token

_submitting: contextvars.ContextVar[bool] = contextvars.ContextVar("sach_xloader_submitting", default=False)


@tk.chained_action
def xloader_submit(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    """xloader needs ``ckanext.xloader.api_token``: the site user's unless the site set one.

    Not re-entrant: xloader submits from a session's ``before_commit`` (``notify``) while the
    resource's URL is marked changed, and a submission commits (task status, this site's
    ``package_show`` and search): each commit would submit again, without end. A submission
    made while another is running is skipped (returns False, as xloader does for a duplicate).
    """
    if _submitting.get():
        tk.check_access("xloader_submit", context, data_dict)  # CKAN audits that every action checks
        return False
    marker = _submitting.set(True)
    try:
        if _is_json_resource(data_dict.get("resource_id")):
            tk.check_access("xloader_submit", context, data_dict)
            return jsonload.submit(data_dict["resource_id"], bool(data_dict.get("ignore_hash")))
        token.ensure()
        return next_action(context, data_dict)
    finally:
        _submitting.reset(marker)


def _is_json_resource(resource_id: Any) -> bool:
    """A JSON file is loaded by this extension's job (:mod:`.jsonload`), not by xloader's."""
    from ckan import model

    res = model.Resource.get(resource_id) if isinstance(resource_id, str) else None
    return res is not None and jsonload.is_json(res.format)


@tk.chained_action
def xloader_hook(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    """A load that ends with no rows is a failure; a failed load leaves no table behind."""
    guard.fail_if_empty(data_dict)
    result = next_action(context, data_dict)
    guard.drop_failed(data_dict)
    return result


@tk.chained_action
def sach_privacy_review_create(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    """A review that clears a dataset's findings lets its files be loaded: the files the guard
    held back are submitted now (the officer uploads nothing again)."""
    review = next_action(context, data_dict)
    guard.after_review(review.get("package_id"))
    return review


def _as_site_user(context: Any) -> None:
    """DataStore writes made by code (xloader's jobs, the guard) patch the resource's
    ``datastore_active`` flag; CKAN's activity plugin refuses a dataset change without a user,
    so such calls act as the site user."""
    if context.get("ignore_auth") and not context.get("user"):
        context["user"] = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@tk.chained_action
def datastore_create(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    _as_site_user(context)
    return next_action(context, data_dict)


@tk.chained_action
def datastore_delete(next_action: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    _as_site_user(context)
    return next_action(context, data_dict)


def sach_datastore_status(resource: dict[str, Any]) -> dict[str, Any] | None:
    return status.status_for(resource)


def sach_datastore_undocumented(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    return dictionary.undocumented_columns(dataset)


class SachDatastorePlugin(p.SingletonPlugin):
    """Loading into the DataStore with ckanext-xloader, the data dictionary, the guard."""

    p.implements(IXloader, inherit=True)
    p.implements(p.IActions)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IConfigurer, inherit=True)

    # IXloader
    def can_upload(self, resource_id: str) -> bool:
        return guard.may_load(resource_id)

    def datastore_before_update(self, resource_id: str, existing_fields: Any, new_headers: Any) -> None:
        guard.check_before_load(resource_id)

    def after_upload(self, context: Any, resource_dict: dict[str, Any], dataset_dict: dict[str, Any]) -> None:
        dictionary.apply(resource_dict, dataset_dict)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        """xloader submits a file when it is created or its URL changes, for the formats of
        ``ckanext.xloader.formats``; unless the site lists its own, JSON is added to xloader's
        defaults so JSON files are submitted too (and :func:`xloader_submit` hands them to
        :mod:`.jsonload`). A site that lists its formats leaves JSON out unless it lists it."""
        from ckanext.xloader.utils import DEFAULT_FORMATS

        if not config.get("ckanext.xloader.formats"):
            config["ckanext.xloader.formats"] = " ".join([*DEFAULT_FORMATS, *sorted(jsonload.FORMATS)])

    # IActions
    def get_actions(self) -> dict[str, Any]:
        return {"xloader_submit": xloader_submit, "xloader_hook": xloader_hook,
                "datastore_create": datastore_create, "datastore_delete": datastore_delete,
                "sach_privacy_review_create": sach_privacy_review_create}

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        return {"sach_datastore_status": sach_datastore_status,
                "sach_datastore_undocumented": sach_datastore_undocumented}

    # IBlueprint
    def get_blueprint(self) -> Any:
        from . import views

        return views.get_blueprints()
