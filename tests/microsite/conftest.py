"""Fixtures of the microsite and theme tests.

- Every test starts with an invalidated page cache and no rate-limit counters.
- ``make_dataset`` / ``make_content`` create valid datasets and microsite
  content through the real actions (scheming validation, search index).
"""
from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.factories import dataset_of
from tests.helpers import PASSWORD, sysadmin_context

_counter = itertools.count()


def microsite_dataset(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A valid dataset of ``org`` without obligations or temporal coverage: their labels are
    indexed as text ("presupuesto…"), and the search tests here count exact matches."""
    return dataset_of(org, **{"transparency_obligations": None, "temporal_coverage": None, **fields})


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Compile the extension's .po files when their .mo is missing or stale
    (``make`` runs ``setup.py compile_catalog``; this keeps the tests
    independent of it)."""
    import os

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    import ckanext.sach

    base = os.path.join(os.path.dirname(ckanext.sach.__file__), "i18n")
    for lang in os.listdir(base):
        po = os.path.join(base, lang, "LC_MESSAGES", "ckanext-sach.po")
        if not os.path.exists(po):
            continue
        mo = po[:-3] + ".mo"
        if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(po):
            with open(po, "rb") as f:
                catalog = read_po(f, locale=lang)
            with open(mo, "wb") as f:
                write_mo(f, catalog)


@pytest.fixture(autouse=True)
def _fresh_cache_and_rate_limits():
    from ckan.lib.redis import connect_to_redis

    from ckanext.sach.microsite import content

    content.invalidate()
    redis = connect_to_redis()
    for key in redis.scan_iter(match="*:sach:requests:rate:*"):
        redis.delete(key)


@pytest.fixture
def make_dataset():
    """Create a valid public dataset of type ``dataset`` in ``org``."""

    return microsite_dataset


CONTENT_DEFAULTS: dict[str, dict[str, Any]] = {
    "informacion_util": {
        "notes": "Ficha en lenguaje claro.",
        "topic": "finanzas-publicas",
        "audience": ["ciudadania"],
        "info_date": "2025-01-15",
    },
    "plan_publicacion": {
        "target_date": "2025-06-30",
        "plan_status": "en_preparacion",
    },
    "actividad_escolar": {
        "activity_kind": "campana",
        "school": "Secundaria Técnica 55",
        "school_level": "secundaria",
        "activity_date": "2025-03-10",
        "activity_topic": "¿Qué es un ayuntamiento?",
        "participants": 40,
    },
    "texto_micrositio": {
        "notes": "Texto de la sección.",
        "section": "datos_abiertos",
        "position": 1,
    },
}


@pytest.fixture
def make_content():
    """Create microsite content of ``dataset_type`` in ``org``."""

    def make(dataset_type: str, org: dict[str, Any], context: dict[str, Any] | None = None,
             **fields: Any) -> dict[str, Any]:
        n = next(_counter)
        data = copy.deepcopy(CONTENT_DEFAULTS[dataset_type])
        data.update(
            type=dataset_type,
            name=fields.pop("name", f"{dataset_type.replace('_', '-')}-{n}"),
            title=fields.pop("title", f"Contenido {n}"),
            owner_org=org["id"],
        )
        data.update(fields)
        return tk.get_action("package_create")(context or sysadmin_context(), data)

    return make


@pytest.fixture
def officer_setup():
    """A dependencia with an editor (officer), another dependencia's editor and
    a plain registered citizen."""
    org = factories.Organization(title="Coordinación General de Transparencia")
    other = factories.Organization(title="Tesorería Municipal")
    officer = factories.User(password=PASSWORD)
    outsider = factories.User(password=PASSWORD)
    citizen = factories.User(password=PASSWORD)
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": org["id"], "username": officer["name"], "role": "editor"}
    )
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": other["id"], "username": outsider["name"], "role": "editor"}
    )
    return {"org": org, "other": other, "officer": officer, "outsider": outsider, "citizen": citizen}
