"""``ckan sach dcat-warm``: an operator fills the DCAT cache before the aggregators come."""
from __future__ import annotations

from typing import Any

import pytest
import rdflib

from ckan.cli.cli import ckan as ckan_cli
from ckan.lib.redis import connect_to_redis

pytestmark = pytest.mark.usefixtures("with_plugins")


def _cached_fields(dataset_id: str) -> set[str]:
    from ckanext.sach.dcat import cache

    return {k.decode() for k in connect_to_redis().hkeys(cache.PREFIX + dataset_id)}


def test_warm_builds_the_missing_public_entries_only(app: Any, cli: Any, catalogue: dict[str, Any]) -> None:
    from ckanext.sach.dcat import cache

    cache.clear()
    result = cli.invoke(ckan_cli, ["sach", "dcat-warm", "-f", "ttl", "-f", "jsonld"])
    assert result.exit_code == 0, result.output
    assert "ttl: 3 generados, 0 ya en caché" in result.output
    assert "jsonld: 3 generados, 0 ya en caché" in result.output
    for dataset in catalogue["public"]:
        assert {"ttl", "jsonld"} <= _cached_fields(dataset["id"])
        assert "xml" not in _cached_fields(dataset["id"])
    for dataset in catalogue["hidden"]:
        assert _cached_fields(dataset["id"]) == set()

    again = cli.invoke(ckan_cli, ["sach", "dcat-warm", "-f", "ttl"])
    assert "ttl: 0 generados, 3 ya en caché" in again.output

    # what the harvest then receives is the complete catalogue, shared nodes included
    body = app.get("/catalog.ttl").body
    g = rdflib.Graph().parse(data=body, format="turtle")
    public = rdflib.URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    assert (public, rdflib.SKOS.prefLabel, rdflib.Literal("público", lang="es")) in g
    # described once, though every dataset refers to it
    assert len(list(g.subjects(rdflib.DCTERMS.accessRights, public))) == 3
    assert body.count(f"<{public}> a ") == 1


@pytest.mark.ckan_config("ckanext.sach.dcat.cache_ttl", "0")
def test_warm_refuses_when_the_cache_is_off(cli: Any, catalogue: dict[str, Any]) -> None:
    result = cli.invoke(ckan_cli, ["sach", "dcat-warm"])
    assert result.exit_code != 0
    assert "desactivada" in result.output
