"""The site as configured (test.ini plugins): ``package_search`` parameters CKAN cannot read get a
409 with a message, and CKAN's own search pages (dependencia, tema, feeds, catálogo) answer what
Solr's dismax answers and show a 400 page in Spanish for a search that cannot run, never a 500."""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.hardening.fuzzing import base_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

API = "/api/3/action/package_search"


@pytest.fixture
def site() -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    group = factories.Group(name="finanzas", title="Finanzas")
    context = {"user": sysadmin["name"]}
    budget = base_dataset(name="presupuesto-egresos-2024", title="Presupuesto de egresos 2024",
                          notes="Presupuesto de egresos aprobado del municipio, por capítulo de gasto.",
                          tag_string="presupuesto,egresos", owner_org=org["id"],
                          groups=[{"name": group["name"]}])
    atlas = base_dataset(name="atlas-riesgos", title="Atlas de riesgos naturales 1990",
                         notes="Zonas de inundación y deslave.", tag_string="riesgos",
                         data_dictionary_url="https://sach.gob.mx/datos/diccionario-atlas.csv",
                         owner_org=org["id"], groups=[{"name": group["name"]}],
                         resources=[{"url": "https://sach.gob.mx/datos/atlas.pdf", "name": "Capas",
                                     "format": "PDF"}])
    call_action("package_create", context=context, **budget)
    call_action("package_create", context=context, **atlas)
    return {"org": org, "group": group}


def _listed(body: str) -> set[str]:
    return {n for n in ("presupuesto-egresos-2024", "atlas-riesgos") if f'href="/dataset/{n}"' in body}


# -- the Action API --------------------------------------------------------------------------------

REFUSED_GET = [
    ("start=-1", "start", None),
    ("start=abc", "start", None),
    ("start=99999999999999999999", "start", "2147483647"),
    ("rows=1&rows=2", "rows", "un solo valor"),
    ("rows=muchos", "rows", None),
    ("include_private=x", "include_private", "true o false"),
    ("include_drafts=quizas", "include_drafts", "true o false"),
    ("include_deleted=x", "include_deleted", "true o false"),
    ("facet.limit=abc", "facet.limit", None),
    ("facet.field=notjson", "facet.field", None),
    ("sort=q&sort=name+asc", "sort", "un texto"),
]


def test_unreadable_parameters_are_a_409_naming_them(app: Any, site: dict[str, Any]) -> None:
    for query, key, words in REFUSED_GET:
        response = app.get(f"{API}?{query}", status=409)
        error = response.json["error"]
        assert response.json["success"] is False, query
        assert error["__type"] == "Validation Error", query
        assert error[key] and all(isinstance(m, str) and m for m in error[key]), query
        if words:
            assert words in " ".join(error[key]), query


REFUSED_POST = [
    ({"q": ["presupuesto"]}, "q"),
    ({"q": {"title": "presupuesto"}}, "q"),
    ({"fq": ["tags:riesgos"]}, "fq"),
    ({"sort": ["name asc"]}, "sort"),
    ({"q": "presupuesto riesgos", "mm": {"min": 1}}, "mm"),
    ({"q": "presupuesto riesgos", "defType": "edismax", "mm": ["1"]}, "mm"),
    ({"defType": ["dismax"]}, "defType"),
    ({"rows": [1]}, "rows"),
    ({"start": {"from": 1}}, "start"),
    ({"include_private": [True]}, "include_private"),
    ({"fl": [1, 2]}, "fl"),
    ({"fq_list": [{"tags": "riesgos"}]}, "fq_list"),
    ({"extras": ["ext_bbox"]}, "extras"),
]


def test_json_of_the_wrong_type_is_a_409_naming_the_parameter(app: Any, site: dict[str, Any]) -> None:
    for body, key in REFUSED_POST:
        response = app.post(API, data=json.dumps(body), headers={"Content-Type": "application/json"},
                            status=409)
        assert response.json["error"]["__type"] == "Validation Error", body
        assert response.json["error"][key], body


def test_blank_values_mean_not_given(app: Any, site: dict[str, Any]) -> None:
    for query in ["start=", "rows=+", "facet.mincount=", "facet.limit=", "include_private=",
                  "include_drafts=false", "include_private=yes", "rows=1"]:
        result = app.get(f"{API}?{query}", status=200).json["result"]
        assert result["count"] == 2, query
        assert len(result["results"]) == (1 if query == "rows=1" else 2), query


def test_engine_refusals_stay_search_errors_in_the_api(app: Any, site: dict[str, Any]) -> None:
    for query in ('fq=tags:"riesgos', "sort=name+sideways", "sort=popularidad", "q=title:(presupuesto"):
        response = app.get(f"{API}?{query}", status=409)
        assert response.json["error"]["__type"] == "Search Error", query
        assert response.json["error"]["message"]


def test_numbers_are_read_as_text(app: Any, site: dict[str, Any]) -> None:
    response = app.post(API, data=json.dumps({"q": 1990, "rows": 5}),
                        headers={"Content-Type": "application/json"}, status=200)
    assert [r["name"] for r in response.json["result"]["results"]] == ["atlas-riesgos"]


# -- CKAN's own pages --------------------------------------------------------------------------------

SEARCH_PAGES = ["/dataset/", "/organization/tesoreria", "/group/finanzas"]


def test_search_pages_read_free_text_like_dismax(app: Any, site: dict[str, Any]) -> None:
    both = {"presupuesto-egresos-2024", "atlas-riesgos"}
    cases = [
        ('"zonas de inundación', {"atlas-riesgos"}),
        ('inundación" deslave', {"atlas-riesgos"}),
        ('"riesgos', {"atlas-riesgos"}),
        ("(riesgos", {"atlas-riesgos"}),
        ("riesgos)", {"atlas-riesgos"}),
        ("riesgos AND", {"atlas-riesgos"}),
        ("riesgos -", {"atlas-riesgos"}),
        ('"riesgos naturales"', {"atlas-riesgos"}),
        ('"naturales riesgos"', set()),  # a phrase that pairs is still a phrase
    ]
    cases += [(q, both) for q in ["AND", "-", "+", "(", ")", "\\", "*", "OR NOT", '"', "'"]]
    for path in SEARCH_PAGES:
        for q, expected in cases:
            page = app.get(path, query_string={"q": q}, status=200)
            assert _listed(page.body) == expected, (path, q)


def _assert_spanish_400(page: Any, *phrases: str) -> None:
    assert page.status_code == 400
    assert '<html lang="es"' in page.body
    assert "Solicitud incorrecta" in page.body  # the site's error page, in its look
    for phrase in phrases:
        assert phrase in page.body, phrase
    assert "Internal server error" not in page.body


REFUSED_ON_PAGES = [
    ({"sort": "foo"}, ("El orden «foo» no es válido", "metadata_modified desc")),
    ({"sort": "name sideways"}, ("El orden «name sideways» no es válido",)),
    ({"q": "title:(presupuesto"}, ("No se pudo interpretar la búsqueda «title:(presupuesto»",)),
    ({"page": "99999999999999999999"}, ("El número de página es demasiado grande.",)),
]


def test_dependencia_and_tema_pages_refuse_what_cannot_run_with_a_spanish_400(
    app: Any, site: dict[str, Any]
) -> None:
    for path in ("/organization/tesoreria", "/group/finanzas"):
        for params, phrases in REFUSED_ON_PAGES:
            page = app.get(path, query_string=params, expect_errors=True)
            _assert_spanish_400(page, *phrases)


def test_the_catalogue_page_keeps_its_own_search_message(app: Any, site: dict[str, Any]) -> None:
    page = app.get("/dataset/", query_string={"q": "title:(presupuesto"}, status=200)
    assert "Hubo un error mientras se realizaba la búsqueda" in page.body
    assert _listed(page.body) == set()
    # a page past what a search can reach (Solr's start is a 32-bit integer): the site's 400 page
    page = app.get("/dataset/", query_string={"page": "99999999999999999999"}, expect_errors=True)
    _assert_spanish_400(page, "El número de página es demasiado grande.")


def test_custom_feed_reads_free_text_like_dismax(app: Any, site: dict[str, Any]) -> None:
    feed = app.get("/feeds/custom.atom", query_string={"q": '"riesgos'}, status=200)
    assert "Atlas de riesgos naturales" in feed.body
    assert "Presupuesto de egresos 2024" not in feed.body
    feed = app.get("/feeds/custom.atom", query_string={"q": "presupuesto AND ("}, status=200)
    assert "Presupuesto de egresos 2024" in feed.body


def test_custom_feed_refuses_what_cannot_run_with_a_spanish_400(app: Any, site: dict[str, Any]) -> None:
    for params in ({"sort": "foo"}, {"q": "{!lucene}riesgos"}, {"q": "title:(riesgos"}):
        page = app.get("/feeds/custom.atom", query_string=params, expect_errors=True)
        _assert_spanish_400(page, "No se pudo realizar esta búsqueda")


# -- texts larger than the index holds ---------------------------------------------------------------

def _words(count: int, seed: int = 1) -> str:
    import random
    import string

    rnd = random.Random(seed)
    return " ".join("".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(4, 12)))
                    for _ in range(count))


def _api(app: Any, token: str, action: str, body: dict[str, Any]) -> Any:
    return app.post(f"/api/3/action/{action}", data=json.dumps(body),
                    headers={"Authorization": token, "Content-Type": "application/json"})


def test_texts_too_large_for_the_index_are_a_409_and_nothing_is_written(
    app: Any, site: dict[str, Any]
) -> None:
    from ckan import model

    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    huge = _words(100_000)  # ~850 kB of distinct words: its text-search vector passes 1 MB
    # long but indexable: a title at the guard's limit in 4-byte characters, a 100 kB description
    ok = base_dataset(name="largo-pero-indexable", owner_org=site["org"]["id"], title="🙂" * 499 + "x",
                      notes=_words(12_000, seed=2) + " palabrafinal")
    assert _api(app, token, "package_create", ok).status_code == 200
    found = app.get(API, query_string={"q": "palabrafinal"}).json["result"]["results"]
    assert [r["name"] for r in found] == ["largo-pero-indexable"]

    refused = _api(app, token, "package_create",
                   base_dataset(name="demasiado-grande", owner_org=site["org"]["id"], notes=huge))
    assert refused.status_code == 409
    assert "índice de búsqueda" in refused.json["error"]["search_index"][0]
    assert _api(app, token, "package_show", {"id": "demasiado-grande"}).status_code == 404

    before = _api(app, token, "package_show", {"id": "atlas-riesgos"}).json["result"]
    for action, body in [
        ("package_patch", {"id": "atlas-riesgos", "notes": huge}),
        ("resource_create", {"package_id": "atlas-riesgos", "url": "https://sach.gob.mx/b.pdf",
                             "name": "Anexo",
                             "format": "PDF", "description": huge}),
    ]:
        res = _api(app, token, action, body)
        assert res.status_code == 409, (action, res.body[:300])
        assert res.json["error"].get("search_index"), (action, res.json["error"])
    model.Session.remove()
    after = _api(app, token, "package_show", {"id": "atlas-riesgos"}).json["result"]
    assert after["notes"] == before["notes"] and len(after["resources"]) == len(before["resources"])
    indexed = app.get(API, query_string={"q": "deslave"}).json["result"]["results"]
    assert [r["name"] for r in indexed] == ["atlas-riesgos"]
    assert indexed[0]["notes"] == before["notes"]
