"""Identical searches are served from Redis until the index changes, and never go stale."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.common import config
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.search.conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _names() -> list[str]:
    result = call_action("package_search", q="*:*", rows=100, sort="name asc", fl="name",
                         **{"facet.field": ["tags"]})
    return [r["name"] for r in result["results"]]


def _sneak_in_a_document() -> None:
    """Write a document behind CKAN's back (no session, no invalidation)."""
    doc = {"id": "sneaky", "name": "sneaky", "site_id": config["ckan.site_id"], "state": "active",
           "capacity": "public", "dataset_type": "dataset", "entity_type": "package",
           "permission_labels": ["public"]}
    with model.meta.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO sach_search_doc (index_id, id, site_id, name, state, capacity, "
                "dataset_type, permission_labels, doc, fields, tsv) VALUES ('sneaky', 'sneaky', "
                ":site, 'sneaky', 'active', 'public', 'dataset', ARRAY['public'], "
                "CAST(:doc AS jsonb), CAST(:fields AS jsonb), '')"
            ),
            {"site": doc["site_id"], "doc": json.dumps(doc),
             "fields": json.dumps({k: v if isinstance(v, list) else [v] for k, v in doc.items()})},
        )


def test_repeated_search_is_served_from_the_cache_until_a_change():
    org = factories.Organization()
    factories.Dataset(name="mercados", owner_org=org["id"])
    assert _names() == ["mercados"]

    _sneak_in_a_document()
    assert _names() == ["mercados"], "the second identical search must come from the cache"

    # Any committed change through CKAN invalidates every cached result at once.
    factories.Dataset(name="panteones", owner_org=org["id"])
    assert _names() == ["mercados", "panteones", "sneaky"]


def test_update_and_delete_are_seen_at_once_despite_the_cache():
    org = factories.Organization()
    dataset = factories.Dataset(name="obras", title="Obras 2024", owner_org=org["id"])
    search = lambda: call_action("package_search", q="obras")  # noqa: E731
    assert [r["title"] for r in search()["results"]] == ["Obras 2024"]
    call_action("package_patch", id=dataset["id"], title="Obras 2025")
    assert [r["title"] for r in search()["results"]] == ["Obras 2025"]
    call_action("package_delete", id=dataset["id"])
    assert search()["count"] == 0


@pytest.mark.ckan_config("ckanext.sach.search.cache_seconds", 0)
def test_cache_can_be_switched_off():
    org = factories.Organization()
    factories.Dataset(name="mercados", owner_org=org["id"])
    assert _names() == ["mercados"]
    _sneak_in_a_document()
    assert _names() == ["mercados", "sneaky"]
