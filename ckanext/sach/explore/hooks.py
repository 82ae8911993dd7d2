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

from ckanext.sach.explore import api


def after_resource_update(context: Any, resource: dict[str, Any]) -> None:
    if not api.is_loaded(resource) or not resource.get("id"):
        return
    tk.get_action("resource_create_default_resource_views")(
        {"user": context.get("user") or "", "ignore_auth": True},
        {"resource": resource, "create_datastore_views": True},
    )
