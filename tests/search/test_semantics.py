"""Semantics table: query → expected dataset names, one row per form in DESIGN §3.

Every query runs through `package_search` (CKAN's own query preparation, permission labels and
plugins) against the PostgreSQL backend.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model

from tests.search.conftest import PLUGINS, PUBLIC, names, search

A = "presupuesto-egresos-2023"
B = "ingresos-municipales"
C = "atlas-riesgos"
D = "consultas-dif"
E = "padron-proveedores"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

# (q, expected) — free text (dismax), Spanish analysis, fielded, boolean, phrase, prefix, ranges.
Q_TABLE: list[tuple[str, set[str]]] = [
    # free text, dismax over name/title/tags/groups/text
    ("presupuesto", {A, D, E}),
    ("presupuestos", {A, D, E}),
    ("PRESUPUESTO", {A, D, E}),
    ("presupuestó", {A, D, E}),
    ("Presupuesto de egresos", {A, D, E}),  # mm 2<-1: 2 of the 3 words (as Solr)
    ("presupuesto egresos", {A}),  # mm: both of 2 words
    ("egresos 2023 cabildo municipal inexistente", {A}),  # mm: 4 of 5
    # mm with stopwords: CKAN's Solr `text` has no stop filter, so "de" and "y" count as words
    # (2 of 3 here: "de … y" alone is enough), whichever words the index reads first
    ("de y riesgos", {B, C}),
    ("riesgos de y", {B, C}),
    ("inundaciones", {C}),  # Spanish stem of "inundación"
    ("budget", {C}),  # English word kept by the `simple` configuration
    ("médicas", {D}),
    ("medicas", {D}),
    ("finanzas", {A, B}),  # group name
    ("tesoreria", {A, B, E}),  # organization name
    ("capitulo", {A}),  # resource name, accent-folded
    ("anual", {A}),  # extra value
    ("predial OR riesgos", {B, C}),
    ("+presupuesto +salud", {D}),
    ("presupuesto -salud", {A, E}),
    ("presupuesto NOT salud", {A, E}),
    ("(ingresos OR riesgos) AND finanzas", {B}),
    ('"presupuesto municipal"', {A}),
    ('"municipal presupuesto"', set()),
    ("presu*", {A, D, E}),
    ("*:*", PUBLIC),
    ("", PUBLIC),
    # fielded (lucene syntax)
    ("title:presupuesto", {A}),
    ("title:presupuestos", {A}),
    ("notes:budget", {C}),
    ("tags:presupuesto", {A, E}),
    ("tags:finanzas*", {A, B}),
    ("tags:Presupuesto", set()),  # string field: exact value
    ("name:atlas-riesgos", {C}),
    ("organization:tesoreria", {A, B, E}),
    ("groups:finanzas", {A, B}),
    ("res_format:CSV", {A, D, E}),
    ("res_name:capítulo", {A}),
    ("license_id:cc-by", {A, C}),
    ("extras_frecuencia:anual", {A}),
    ("frecuencia:mensual", {B}),
    ("vocab_sectores:salud", {D}),
    ("vocab_sectores:economia", {A}),
    ("num_resources:2", {A, C}),
    ("presupuesto AND -tags:presupuesto", {D}),
    ("tags:presupuesto OR tags:ingresos", {A, B, E}),
    ("tags:(ingresos OR riesgos)", {B, C}),
    ("+organization:tesoreria -tags:ingresos", {A, E}),
    ('title:"egresos 2023"', {A}),
    ("text:inundaciones", {C}),
    # ranges on numbers, dates and date math
    ("anio:[2021 TO 2022]", {B, D}),
    ("anio:{2021 TO 2022]", {B}),
    ("anio:[2023 TO *]", {A}),
    ("anio:[* TO 2020]", {E}),
    ("num_resources:[2 TO *]", {A, C}),
    ("metadata_modified:[NOW-1DAY TO NOW+1DAY]", PUBLIC),
    ("metadata_created:[* TO 2000-01-01T00:00:00Z]", set()),
    ("metadata_created:[2000-01-01T00:00:00Z TO *]", PUBLIC),
    ("metadata_modified:[NOW/DAY-1YEAR TO *]", PUBLIC),
    ("name:*", PUBLIC),
    ("extras_anio:*", {A, B, D, E}),
]


@pytest.mark.parametrize(("q", "expected"), Q_TABLE)
def test_q(catalogue: dict[str, Any], q: str, expected: set[str]) -> None:
    result = search(q=q, rows=100)
    assert set(names(result)) == expected
    assert result["count"] == len(expected)


FQ_TABLE: list[tuple[dict[str, Any], set[str]]] = [
    ({"fq": "organization:tesoreria res_format:CSV"}, {A, E}),
    ({"fq": 'organization:"tesoreria" res_format:"CSV"'}, {A, E}),
    ({"fq": "tags:(riesgos OR salud)"}, {C, D}),
    ({"fq_list": ["groups:finanzas", "-tags:ingresos"]}, {A}),
    ({"fq": 'res_format:"GeoJSON"'}, {C}),
    ({"fq": "+dataset_type:dataset"}, PUBLIC),
    ({"fq": "license_id:cc-by OR license_id:cc-zero"}, {A, C, D}),
    ({"fq": "metadata_modified:[NOW-1YEAR TO *]"}, PUBLIC),
    ({"fq": "anio:[2021 TO *]", "q": "presupuesto"}, {A, D}),
    ({"fq": "vocab_sectores:salud OR vocab_sectores:economia"}, {A, D}),
    ({"fq": "extras_frecuencia:mensual"}, {B}),
    ({"fq": "frecuencia:trimestral", "fq_list": ["organization:dif"]}, {D}),
]


@pytest.mark.parametrize(("params", "expected"), FQ_TABLE)
def test_fq(catalogue: dict[str, Any], params: dict[str, Any], expected: set[str]) -> None:
    result = search(rows=100, **params)
    assert set(names(result)) == expected


SORTED_BY_TITLE = [C, D, B, E, A]  # Atlas, Consultas, Ingresos, Padrón, Presupuesto
CREATED_ORDER = [A, B, C, D, E]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title_string asc", SORTED_BY_TITLE),
        ("title_string desc", SORTED_BY_TITLE[::-1]),
        ("name asc", sorted(PUBLIC)),
        ("name desc", sorted(PUBLIC, reverse=True)),
        ("metadata_created desc", CREATED_ORDER[::-1]),
        ("metadata_created asc", CREATED_ORDER),
        ("metadata_modified desc", CREATED_ORDER[::-1]),
        ("score desc, metadata_modified desc", CREATED_ORDER[::-1]),
        ("views_recent desc, name asc", sorted(PUBLIC)),
    ],
)
def test_sort(catalogue: dict[str, Any], sort: str, expected: list[str]) -> None:
    assert names(search(sort=sort, rows=100)) == expected


def test_relevance_title_before_tags_before_notes(catalogue: dict[str, Any]) -> None:
    result = search(q="presupuesto", sort="score desc, metadata_modified desc")
    # A has it in the title, E in the tags, D only in the description.
    assert names(result) == [A, E, D]


def test_rows_and_start_page_through_results(catalogue: dict[str, Any]) -> None:
    everything = names(search(sort="name asc", rows=100))
    page = search(sort="name asc", rows=2, start=1)
    assert names(page) == everything[1:3]
    assert page["count"] == 5
    assert names(search(sort="name asc", rows=2, start=4)) == everything[4:]
    assert search(rows=0)["count"] == 5


def test_fl_returns_only_the_requested_fields(catalogue: dict[str, Any]) -> None:
    result = search(q="name:atlas-riesgos", fl=["name", "title"])
    assert result["results"] == [{"name": C, "title": "Atlas de riesgos naturales"}]
    full = search(q="name:atlas-riesgos")["results"][0]
    assert full["organization"]["name"] == "proteccion-civil"
    assert {r["format"] for r in full["resources"]} == {"SHP", "GeoJSON"}


FACETS = ["organization", "groups", "tags", "res_format", "license_id", "vocab_sectores"]


def test_facets_count_every_multivalued_field(catalogue: dict[str, Any]) -> None:
    result = search(**{"facet.field": FACETS})
    facets = result["facets"]
    assert facets["organization"] == {"tesoreria": 3, "proteccion-civil": 1, "dif": 1}
    assert facets["groups"] == {"finanzas": 2, "seguridad": 1, "salud": 1}
    assert facets["res_format"] == {
        "CSV": 3, "JSON": 1, "XLSX": 1, "SHP": 1, "GeoJSON": 1
    }
    assert facets["tags"]["presupuesto"] == 2  # private/draft/deleted ones are not counted
    assert facets["tags"]["finanzas-publicas"] == 2
    assert facets["license_id"] == {"cc-by": 2, "odc-odbl": 1, "cc-zero": 1, "other-open": 1}
    assert facets["vocab_sectores"] == {"economia": 1, "salud": 1}
    # CKAN turns them into search_facets with titles for organizations and groups
    orgs = {i["name"]: i for i in result["search_facets"]["organization"]["items"]}
    assert orgs["tesoreria"]["display_name"] == "Tesorería Municipal"


def test_facets_follow_the_filtered_set(catalogue: dict[str, Any]) -> None:
    result = search(q="presupuesto", fq="res_format:CSV", **{"facet.field": ["organization"]})
    assert result["facets"]["organization"] == {"tesoreria": 2, "dif": 1}


def test_facet_limit_and_mincount(catalogue: dict[str, Any]) -> None:
    limited = search(**{"facet.field": ["organization"], "facet.limit": 2})
    # ties in count are ordered by value, as Solr does
    assert limited["facets"]["organization"] == {"tesoreria": 3, "dif": 1}
    frequent = search(**{"facet.field": ["res_format"], "facet.mincount": 2})
    assert frequent["facets"]["res_format"] == {"CSV": 3}
    unlimited = search(**{"facet.field": ["tags"], "facet.limit": -1})
    assert len(unlimited["facets"]["tags"]) == 7


def test_get_index_and_entity_ids(catalogue: dict[str, Any]) -> None:
    from ckan.lib import search as ckan_search

    doc = ckan_search.show("atlas-riesgos")
    assert doc["name"] == C
    assert "validated_data_dict" in doc
    ids = ckan_search.query_for("package").get_all_entity_ids(max_results=100)
    assert len(ids) == 5 + 1 + 0  # active datasets, private included, draft/deleted not


def test_dataset_page_filters_by_every_facet_it_shows(catalogue: dict[str, Any], app) -> None:
    page = app.get("/dataset/", query_string={"q": "presupuesto"})
    assert page.status_code == 200
    for dataset in (A, D, E):
        assert f"/dataset/{dataset}" in page.body
    for facet, value, expected in (
        ("organization", "tesoreria", {A, E}),
        ("groups", "salud", {D}),
        ("tags", "compras", {E}),
        ("res_format", "CSV", {A, D, E}),
        ("license_id", "cc-zero", {D}),
    ):
        assert f"{facet}={value}" in page.body
        filtered = app.get("/dataset/", query_string={"q": "presupuesto", facet: value})
        assert filtered.status_code == 200
        shown = {n for n in PUBLIC if f'href="/dataset/{n}"' in filtered.body}
        assert shown == expected, (facet, value)


@pytest.mark.parametrize(
    ("words", "needed", "expected"),
    [
        # 2 of "atlas de riesgos": one of any 2 words is enough, and `de` is not one of them
        (["atlas", "de", "riesgos"], 2, {"atlas", "riesg", "riesgos"}),
        # 2 of "de la riesgos": one stopword has to be read, the first one
        (["de", "la", "riesgos"], 2, {"riesg", "riesgos", "de"}),
    ],
)
def test_index_condition_reads_stopwords_last(
    catalogue: dict[str, Any], words: list[str], needed: int, expected: set[str]
) -> None:
    """The words whose posting lists the GIN index reads for "k of n words" (the results are
    checked by the `mm` rows of Q_TABLE)."""
    query = model.Session.execute(
        sa.text(
            "SELECT sach_search_any_word('spanish', CAST(:words AS text[]), :needed)::text"
        ),
        {"words": words, "needed": needed},
    ).scalar()
    assert set(re.findall(r"'([^']*)'", query)) == expected
