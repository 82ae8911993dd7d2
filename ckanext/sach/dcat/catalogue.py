"""The catalogue's own description, from configuration (title, publisher, API service…)."""
from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from sqlalchemy import text as sa_text

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.dcat.utils import catalog_uri

from ckanext.sach import config as sach_config

CKAN_API_DOCS = "https://docs.ckan.org/en/2.11/api/"


def _licence(licence_id: str) -> tuple[str, str]:
    try:
        licence = model.Package.get_license_register().get(licence_id)
    except Exception:  # noqa: BLE001 -- CKAN's LicenseRegister raises a bare Exception when its file is unreachable; fall back to the id
        licence = None
    if licence is None:
        return licence_id, licence_id
    return licence.url or licence_id, licence.title


def settings() -> dict[str, Any]:
    licence_url, licence_title = _licence(sach_config.dcat_catalog_license())
    return {
        "title": sach_config.dcat_catalog_title(),
        "description": sach_config.dcat_catalog_description(),
        "homepage": sach_config.dcat_catalog_homepage(),
        "issued": sach_config.dcat_catalog_issued(),
        "languages": list(sach_config.dcat_catalog_languages()),
        "licence_url": licence_url,
        "licence_title": licence_title,
        "contact_name": "Coordinación General de Transparencia",
        "contact_email": sach_config.contact_email(),
    }


def municipality_agent() -> dict[str, Any]:
    return {
        "uri": sach_config.dcat_publisher_uri(),
        "name": f"Ayuntamiento de {sach_config.municipality_name()}",
        "url": sach_config.homepage(),
        "email": sach_config.contact_email(),
        "type": sach_config.dcat_publisher_type(),
        "identifier": sach_config.municipality_inegi_key(),
    }


def municipality_place() -> dict[str, str]:
    key = sach_config.municipality_inegi_key()
    from ckanext.sach import vocab

    item = vocab.get("places", key) or {}
    label = (item.get("label") or {}).get("es") if isinstance(item.get("label"), dict) else item.get("label")
    return {
        "value": key,
        "label": label or f"{sach_config.municipality_name()}, Puebla",
        "inegi_key": str(item.get("inegi_key") or key),
    }


def api_service() -> dict[str, str] | None:
    if not sach_config.dcat_api_service():
        return None
    site = (tk.config.get("ckan.site_url") or catalog_uri()).rstrip("/")
    return {
        "uri": f"{catalog_uri().rstrip('/')}/api/3",
        "title": "API de CKAN (Action API v3)",
        "endpoint_url": f"{site}/api/3/action",
        "endpoint_description": CKAN_API_DOCS,
        "conforms_to": CKAN_API_DOCS + "index.html",
    }


def profiles() -> list[str]:
    value = tk.config.get("ckanext.dcat.rdf.profiles") or "euro_dcat_ap_3"
    return value.split() if isinstance(value, str) else list(value)


# Bump when the profile's output or the cached value's layout changes, so cached
# serialisations are rebuilt. 2: fragments carry their shared-node descriptors.
# 3: no dct:issued fallback, formats without an EU file type kept.
# 4: DataStore tables described as dcat:DataService / data.json API distributions.
OUTPUT_VERSION = "4"


@functools.lru_cache(maxsize=1)
def _vocab_digest() -> str:
    from ckanext.sach import vocab

    data = {name: vocab.items(name) for name in ("frequencies", "sectors", "places", "languages", "obligations")}
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()


def forget() -> None:
    """Forget what this process keeps of the vocabularies (after they change)."""
    _vocab_digest.cache_clear()


def taxonomy_version() -> str:
    """Digest of every organization and group (with extras): one query."""
    row = model.Session.execute(
        sa_text(
            """
            SELECT md5(coalesce(string_agg(
                     g.id || g.name || coalesce(g.title, '') || coalesce(g.description, '')
                     || coalesce(g.image_url, '') || coalesce(g.state, '') || coalesce(g.extras::text, ''),
                     '|' ORDER BY g.id), ''))
            FROM "group" g
            """
        )
    ).scalar()
    return row or ""


def settings_version() -> str:
    """Digest of everything outside a dataset that changes its serialisation."""
    data = {
        "out": OUTPUT_VERSION,
        "settings": settings(),
        "publisher": municipality_agent(),
        "place": municipality_place(),
        "service": api_service(),
        "profiles": profiles(),
        "catalog_uri": catalog_uri(),
        "vocab": _vocab_digest(),
        "taxonomy": taxonomy_version(),
    }
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()[:16]
