"""Default views of a resource whose rows have just reached the DataStore.

CKAN creates the views that need the DataStore (``datatables_view``) only when the
loader asks for them (``resource_create_default_resource_views`` with
``create_datastore_views``). Whatever fills the table — ckanext-xloader or a client
calling ``datastore_create`` — CKAN then patches the resource with
``datastore_active``: that update creates them here, once (views of a type that
already exists are skipped by CKAN).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.sach.explore import api

# Titles of the views CKAN creates, in the site's language: CKAN stores the plugin's default
# title translated in the creating request, and a loader job has none (it would store "Table").
VIEW_TITLES = {"datatables_view": "Tabla"}


def after_resource_update(context: Any, resource: dict[str, Any]) -> None:
    if not api.is_loaded(resource) or not resource.get("id"):
        return
    ctx: Context = {"user": context.get("user") or "", "ignore_auth": True}
    created = tk.get_action("resource_create_default_resource_views")(
        ctx.copy(), {"resource": resource, "create_datastore_views": True})
    for view in created or []:
        title = VIEW_TITLES.get(view["view_type"])
        if title and view.get("title") != title:
            tk.get_action("resource_view_update")(ctx.copy(), {**view, "title": title})
