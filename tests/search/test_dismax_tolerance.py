"""Free text is read the way Solr's dismax reads it: an unbalanced quote, a stray operator or an
unpaired parenthesis never makes a search fail, and the answer is the one for the query the
person meant (the words they typed). Fielded queries (Solr's standard parser) stay strict."""
from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.conftest import PLUGINS, PUBLIC, names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

API = "/api/3/action/package_search"

# (what was typed, the query it answers like, a dataset it must find — None: no word to look for)
TOLERATED = [
    ('"presupuesto de egresos', "presupuesto de egresos", "presupuesto-egresos-2023"),
    ('presupuesto" municipal', "presupuesto municipal", "presupuesto-egresos-2023"),
    ('"predial', "predial", "ingresos-municipales"),
    ("(ingresos OR riesgos", "ingresos OR riesgos", "atlas-riesgos"),
    ("ingresos OR riesgos)", "ingresos OR riesgos", "ingresos-municipales"),
    ("(ingresos OR riesgos) AND (finanzas", "(ingresos OR riesgos) AND finanzas",
     "ingresos-municipales"),
    ("presupuesto)", "presupuesto", "padron-proveedores"),
    ("presupuesto ()", "presupuesto", "padron-proveedores"),
    ("presupuesto AND", "presupuesto", "consultas-dif"),
    ("OR salud", "salud", "consultas-dif"),
    ("salud NOT", "salud", "consultas-dif"),
    ("AND", "", None),
    ("NOT", "", None),
    ("salud +", "salud", "consultas-dif"),
    ("salud -", "salud", "consultas-dif"),
    ("salud - -", "salud", "consultas-dif"),
    ("salud +-", "salud", "consultas-dif"),
    ("-", "", None),
    ("+", "", None),
    ("(", "", None),
    (")", "", None),
    ("\\", "", None),
    ("*", "", None),
    ("presupuesto \\", "presupuesto", "padron-proveedores"),
    ("'presupuesto'", "presupuesto", "padron-proveedores"),
    ("riesgos <", "riesgos", "atlas-riesgos"),
    ('"(ingresos OR riesgos', "ingresos OR riesgos", "atlas-riesgos"),
    ("(" * 80 + "riesgos", "riesgos", "atlas-riesgos"),
]


@pytest.mark.parametrize(("typed", "meant", "found"), TOLERATED)
def test_free_text_is_answered_like_the_query_meant(
    catalogue: dict[str, Any], app: Any, typed: str, meant: str, found: str | None
) -> None:
    response = app.get(API, query_string={"q": typed, "rows": 100}, status=200)
    got = [r["name"] for r in response.json["result"]["results"]]
    assert got == names(search(q=meant, rows=100))
    if found is None:
        assert set(got) == PUBLIC  # nothing to look for: the whole (visible) catalogue
    else:
        assert found in got
        assert set(got) <= PUBLIC


def test_a_quote_that_pairs_is_still_a_phrase(catalogue: dict[str, Any]) -> None:
    # "egresos de presupuesto" is not a phrase of any dataset; the words are.
    assert names(search(q='"egresos de presupuesto"')) == []
    assert "presupuesto-egresos-2023" in names(search(q='"egresos de presupuesto'))


def test_balanced_syntax_keeps_its_meaning(catalogue: dict[str, Any]) -> None:
    assert set(names(search(q="presupuesto -ingresos", rows=100))) == set(
        names(search(q="presupuesto", rows=100))
    ) - {"ingresos-municipales"}
    assert "atlas-riesgos" not in names(search(q="(presupuesto -riesgos", rows=100))


@pytest.mark.parametrize(
    "params",
    [
        {"q": "title:(presupuesto"},  # fielded: Solr's standard parser refuses it too
        {"q": "title:"},
        {"fq": 'tags:"salud'},  # fq is always the standard parser in Solr
        {"fq": "(tags:salud"},
    ],
)
def test_fielded_syntax_errors_stay_a_409(
    catalogue: dict[str, Any], app: Any, params: dict[str, Any]
) -> None:
    response = app.get(API, query_string=params, status=409)
    assert response.json["success"] is False
    assert "parse" in str(response.json["error"]).lower()


_typing = st.lists(
    st.sampled_from(
        ["presupuesto", "salud", "riesgos", "municipal", "AND", "OR", "NOT", "+", "-", "(", ")",
         '"', "'", "\\", "*", "?", "!", "^", "~", "/", "[", "]", "{", "}", "<", ">", "=", "&&", "||",
         " ", " ", "ñ", "é", "2023"]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=st.one_of(_typing, st.text(max_size=30).filter(lambda t: ":" not in t and "\x00" not in t))
       # Solr's dismax refuses two operators at the very start (`--included`): test_bad_input.py
       .filter(lambda t: not re.match(r"\s*[+-]\s*[+-]", t)),
       def_type=st.sampled_from([None, "dismax", "edismax"]))
def test_any_free_text_is_answered(catalogue: dict[str, Any], q: str, def_type: str | None) -> None:
    params: dict[str, Any] = {"q": q, "rows": 100}
    if def_type:
        params["defType"] = def_type
    result = search(**params)
    assert set(names(result)) <= PUBLIC
    assert result["count"] == len(result["results"])
