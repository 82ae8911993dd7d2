"""`ckan sach seed`: the dependencias (organizations) and temas (groups) of the catalogue.

Idempotent: what exists is left as it is (officers may have edited it), what is missing is
created. The lists come from the vocabularies ``dependencias`` and ``themes`` (replaceable with
``ckanext.sach.seed.dependencias_file`` / ``ckanext.sach.seed.themes_file``); every other
vocabulary is read and checked, so a broken data file stops the seed with its name.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.sach import vocab

log = logging.getLogger(__name__)

ORG_FIELDS = ("acronym", "head_name", "head_position", "email", "phone", "address", "website")


def site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _exists(action: str, name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action(action)(site_context(), {"id": name, "include_datasets": False})
    except tk.ObjectNotFound:
        return None


def organization_dict(item: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": item["value"],
        "title": item["label"]["es"],
        "org_type": item.get("org_type") or "dependencia",
        "description": (item.get("description") or {}).get("es", "")
        if isinstance(item.get("description"), dict)
        else item.get("description") or "",
    }
    for key in ORG_FIELDS:
        if item.get(key):
            data[key] = item[key]
    return data


def group_dict(item: dict[str, Any]) -> dict[str, Any]:
    description = item.get("description") or ""
    if isinstance(description, dict):
        description = description.get("es", "")
    return {"name": item["value"], "title": item["label"]["es"], "description": description}


def seed_organizations() -> dict[str, list[str]]:
    created, existing = [], []
    for item in vocab.items("dependencias"):
        if _exists("organization_show", item["value"]):
            existing.append(item["value"])
            continue
        tk.get_action("organization_create")(site_context(), organization_dict(item))
        created.append(item["value"])
    return {"created": created, "existing": existing}


def seed_groups() -> dict[str, list[str]]:
    created, existing = [], []
    for item in vocab.items("themes"):
        if _exists("group_show", item["value"]):
            existing.append(item["value"])
            continue
        tk.get_action("group_create")(site_context(), group_dict(item))
        created.append(item["value"])
    return {"created": created, "existing": existing}


def check_vocabularies() -> dict[str, int]:
    vocab.clear_cache()
    return {name: len(vocab.items(name)) for name in vocab.names()}


def run() -> dict[str, Any]:
    """Seed everything; returns what was created and what already existed."""
    return {
        "vocabularies": check_vocabularies(),
        "organizations": seed_organizations(),
        "groups": seed_groups(),
    }
