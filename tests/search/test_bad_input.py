"""Bad search input gets CKAN's 409 with a message (never a 500), and SQL never sees it as code."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.model as model
from ckan.lib.search.common import SearchError
from ckan.logic import ValidationError

from tests.search.conftest import PLUGINS, PUBLIC, names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

API = "/api/3/action/package_search"

# What Solr refuses too. Free text with an unbalanced quote or parenthesis is answered, as by
# Solr's dismax (tests/search/test_dismax_tolerance.py); fielded queries and fq are parsed strictly.
BAD = [
    ({"q": 'title:"presupuesto de egresos'}, "parse"),
    ({"q": "title:(presupuesto"}, "parse"),
    ({"q": "tags:presupuesto)"}, "parse"),
    ({"q": "--presupuesto"}, "parse"),  # Solr's dismax too (CKAN's test_search_solr_syntax_error)
    ({"q": "presupuesto salud", "mm": "muchos"}, "mm"),
    ({"fq": 'tags:"salud'}, "parse"),
    ({"fq": "anio:[2020 TO"}, "parse"),
    ({"q": "name:/atlas.*/"}, "Regular expressions"),
    ({"q": "metadata_modified:[ayer TO *]"}, "Invalid date"),
    ({"sort": "popularidad"}, "direction"),
    ({"sort": "tags desc"}, "multivalued"),
    ({"sort": "name sideways"}, "sort direction"),
    ({"sort": "name; DROP TABLE package"}, "sort"),
    ({"sort": "metadata_modified desc, (SELECT 1) asc"}, "sort"),
    ({"rows": -1}, "rows"),
    ({"rows": "muchos"}, "rows"),
    ({"start": "abc"}, "start"),
    ({"start": -5}, "start"),
    ({"facet.limit": "todos"}, "facet.limit"),
]


@pytest.mark.parametrize(("params", "message"), BAD)
def test_bad_input_is_a_409_with_a_message(
    catalogue: dict[str, Any], app: Any, params: dict[str, Any], message: str
) -> None:
    response = app.get(API, query_string=params, status=409)
    body = response.json
    assert body["success"] is False
    assert message.lower() in str(body["error"]).lower()


INJECTIONS = [
    "'; DROP TABLE package; --",
    "presupuesto' OR '1'='1",
    '"; DELETE FROM sach_search_doc; --',
    "name:x') OR TRUE; --",
    "tags:(a OR b') UNION SELECT password FROM \"user\" --)",
    "1) OR 1=1 --",
    "$$; DROP TABLE sach_search_doc; $$",
    "\\'; TRUNCATE sach_search_doc; --",
]


def _tables_intact() -> tuple[int, int]:
    with model.meta.engine.connect() as connection:
        docs = connection.execute(sa.text("SELECT count(*) FROM sach_search_doc")).scalar()
        packages = connection.execute(sa.text("SELECT count(*) FROM package")).scalar()
    return docs, packages


@pytest.mark.parametrize("attack", INJECTIONS)
@pytest.mark.parametrize("param", ["q", "fq", "sort"])
def test_sql_injection_is_only_text(
    catalogue: dict[str, Any], app: Any, attack: str, param: str
) -> None:
    before = _tables_intact()
    response = app.get(API, query_string={param: attack}, expect_errors=True)
    assert response.status_code in (200, 409), response.body
    if response.status_code == 200:
        # At most a literal text match: nothing outside the catalogue comes back.
        assert {r["name"] for r in response.json["result"]["results"]} <= PUBLIC
    assert _tables_intact() == before


def test_injection_in_facet_field_is_only_a_field_name(catalogue: dict[str, Any]) -> None:
    result = search(**{"facet.field": ["tags'); DROP TABLE package; --"]})
    assert result["facets"] == {"tags'); DROP TABLE package; --": {}}
    assert set(names(search(rows=100))) == PUBLIC


def test_dataset_page_shows_a_search_error_not_a_500(catalogue: dict[str, Any], app: Any) -> None:
    page = app.get("/dataset/", query_string={"q": "title:(presupuesto"})
    assert page.status_code == 200
    assert "Hubo un error mientras se realizaba la búsqueda" in page.body  # locale es
    assert not any(f'href="/dataset/{n}"' in page.body for n in PUBLIC)


# -- property: no input makes the search fail in any other way --------------------------------

_pieces = st.sampled_from(
    [
        "presupuesto", "salud", "título", "tags:", "title:", "name:", "res_format:", "anio:",
        "metadata_modified:", "extras_frecuencia:", "*:*", "*", "?", "AND", "OR", "NOT", "+",
        "-", "(", ")", "[", "]", "{", "}", '"', "'", "\\", ":", "^2", "~", "/", "TO", "NOW",
        "NOW-1DAY", "2020-01-01T00:00:00Z", " ", " ", ";", "--", "%", "_", "$$", "\x00", "ñ",
    ]
)
_query = st.one_of(
    st.lists(_pieces, max_size=12).map("".join),
    st.text(max_size=40),
)
_sort = st.one_of(
    st.lists(
        st.sampled_from(
            ["score", "name", "title_string", "metadata_modified", "views_recent", "foo",
             "asc", "desc", ",", " ", ";", "(", "'", "NULLS", "1"]
        ),
        max_size=6,
    ).map(" ".join),
    st.text(max_size=20),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=_query, fq=_query, sort=_sort)
def test_any_query_is_answered_or_rejected_cleanly(
    catalogue: dict[str, Any], q: str, fq: str, sort: str
) -> None:
    refusal = None
    try:
        result = search(q=q, fq=fq, sort=sort, rows=5, **{"facet.field": ["tags"]})
    except (SearchError, ValidationError) as error:
        refusal = str(error)
    if refusal is not None:
        assert refusal, "a refused query says why (the 409's message)"
        return
    assert set(names(result)) <= PUBLIC
    assert result["count"] >= len(result["results"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=_query, sort=_sort)
def test_any_query_over_http_is_never_a_500(
    catalogue: dict[str, Any], app: Any, q: str, sort: str
) -> None:
    response = app.get(API, query_string={"q": q, "sort": sort}, expect_errors=True)
    assert response.status_code in (200, 400, 409), (q, sort, response.status_code)
