"""Who finds what: private datasets for their organization's members and sysadmins, drafts for
their creator, deleted datasets for nobody — through package_search, the API and /dataset."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

from tests.search.conftest import names, search

# The `sach` plugin supplies the permission labels (ckanext/sach/logic/permission_labels.py).
CATALOGUE_PLUGINS = "sach_pgsearch dcat sach"
PUBLIC_WITH_WORD = {"presupuesto-egresos-2023", "consultas-dif", "padron-proveedores"}
PRIVATE = "nomina-privada"
DRAFT = "borrador-presupuesto"
DELETED = "obras-borradas"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", CATALOGUE_PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

EVERYTHING = {"include_private": True, "include_drafts": True, "include_deleted": True}


def _found(user: dict[str, Any] | None, **params: Any) -> set[str]:
    return set(names(search(user, q="presupuesto", rows=100, **params)))


@pytest.mark.parametrize("who", [None, "outsider"])
def test_strangers_find_only_public_datasets(catalogue: dict[str, Any], who: str | None) -> None:
    user = catalogue[who] if who else None
    assert _found(user, **EVERYTHING) == PUBLIC_WITH_WORD


def test_member_finds_private_but_not_a_colleagues_draft_nor_deleted(
    catalogue: dict[str, Any],
) -> None:
    colleague = catalogue["colleague"]
    assert _found(colleague) == PUBLIC_WITH_WORD
    assert _found(colleague, include_private=True) == PUBLIC_WITH_WORD | {PRIVATE}
    assert _found(colleague, **EVERYTHING) == PUBLIC_WITH_WORD | {PRIVATE}


def test_creator_finds_own_draft(catalogue: dict[str, Any]) -> None:
    creator = catalogue["creator"]
    assert _found(creator, include_drafts=True) == PUBLIC_WITH_WORD | {DRAFT}
    assert _found(creator, **EVERYTHING) == PUBLIC_WITH_WORD | {PRIVATE, DRAFT}
    assert DRAFT not in _found(creator)


def test_sysadmin_finds_private_and_drafts(catalogue: dict[str, Any]) -> None:
    sysadmin = catalogue["sysadmin"]
    assert _found(sysadmin, include_private=True, include_drafts=True) == (
        PUBLIC_WITH_WORD | {PRIVATE, DRAFT}
    )
    assert DELETED not in _found(sysadmin, include_private=True, include_drafts=True)


def test_facets_do_not_count_what_the_user_cannot_see(catalogue: dict[str, Any]) -> None:
    anonymous = search(None, q="presupuesto", include_private=True, **{"facet.field": ["tags"]})
    assert anonymous["facets"]["tags"]["presupuesto"] == 2
    member = search(
        catalogue["colleague"], q="presupuesto", include_private=True, **{"facet.field": ["tags"]}
    )
    assert member["facets"]["tags"]["presupuesto"] == 3


def test_api_applies_the_same_rules(catalogue: dict[str, Any], app: Any) -> None:
    token = factories.APIToken(user=catalogue["colleague"]["name"])["token"]
    params = {"q": "presupuesto", "rows": 100, **dict.fromkeys(EVERYTHING, "true")}
    anonymous = app.get("/api/3/action/package_search", query_string=params)
    member = app.get(
        "/api/3/action/package_search", query_string=params, headers={"Authorization": token}
    )
    found = {r["name"] for r in anonymous.json["result"]["results"]}
    assert found == PUBLIC_WITH_WORD
    found = {r["name"] for r in member.json["result"]["results"]}
    assert found == PUBLIC_WITH_WORD | {PRIVATE}


def _listed(page: Any) -> set[str]:
    candidates = PUBLIC_WITH_WORD | {PRIVATE, DRAFT, DELETED}
    return {n for n in candidates if f'href="/dataset/{n}"' in page.body}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, PUBLIC_WITH_WORD),
        ("outsider", PUBLIC_WITH_WORD),
        ("colleague", PUBLIC_WITH_WORD | {PRIVATE}),
        ("creator", PUBLIC_WITH_WORD | {PRIVATE}),  # drafts are never listed on /dataset
        ("sysadmin", PUBLIC_WITH_WORD | {PRIVATE}),
    ],
)
def test_dataset_page(
    catalogue: dict[str, Any], app: Any, who: str | None, expected: set[str]
) -> None:
    headers = {}
    if who:
        headers["Authorization"] = factories.APIToken(user=catalogue[who]["name"])["token"]
    page = app.get("/dataset/", query_string={"q": "presupuesto"}, headers=headers)
    assert page.status_code == 200
    assert _listed(page) == expected
