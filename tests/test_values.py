"""List coercion and labels shared by every area (``ckanext.sach.values``): what each kind of
stored or typed value becomes."""
from __future__ import annotations

from typing import Any

import pytest

from ckanext.sach.values import as_list, current_lang, label_text, split_names

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("value", "expected"), [
    (None, []),
    ("", []),
    ([], []),
    (["a", "b"], ["a", "b"]),
    (("a", "b"), ["a", "b"]),
    ('["salud", "educacion"]', ["salud", "educacion"]),  # scheming's JSON text
    ('[{"name": "Ana"}]', [{"name": "Ana"}]),
    ("salud", ["salud"]),  # a single value (old data, a CSV cell)
    ("[no es JSON", ["[no es JSON"]),  # kept as typed
    (7, [7]),
])
def test_as_list(value: Any, expected: list[Any]) -> None:
    assert as_list(value) == expected


def test_as_list_can_drop_text_that_is_not_json() -> None:
    assert as_list("[no es JSON", keep_bad_json=False) == []
    assert as_list('["ninos"]', keep_bad_json=False) == ["ninos"]
    assert as_list("ninos", keep_bad_json=False) == ["ninos"]


@pytest.mark.parametrize(("value", "expected"), [
    ('[{"email": "a@b.mx"}]', [{"email": "a@b.mx"}]),
    ("a@b.mx", []),
    ('{"email": "a@b.mx"}', []),
    ("", []),
    (None, []),
    ({"email": "a@b.mx"}, []),
    ([{"email": "a@b.mx"}], [{"email": "a@b.mx"}]),
])
def test_as_list_of_json_only(value: Any, expected: list[Any]) -> None:
    assert as_list(value, only_json=True) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("obras-2024 baches-2024", ["obras-2024", "baches-2024"]),
    ("obras-2024,baches-2024, agua", ["obras-2024", "baches-2024", "agua"]),
    (" , ", []),
    (None, []),
    (["obras-2024", "", None, "agua"], ["obras-2024", "agua"]),
])
def test_split_names(value: Any, expected: list[str]) -> None:
    assert split_names(value) == expected


def test_label_in_the_language_asked_then_spanish_then_any() -> None:
    label = {"es": "Anual", "en": "Annual"}
    assert label_text(label, "en") == "Annual"
    assert label_text(label, "es") == "Anual"
    assert label_text(label, "fr") == "Anual"
    assert label_text({"en": "Annual", "es": ""}, "fr") == "Annual"
    assert label_text({"es": "Anual", "en": ""}, "en") == "Anual"
    assert label_text("Anual", "en") == "Anual"
    assert label_text(None) == ""
    assert label_text({}) == ""


def test_outside_a_request_the_language_is_spanish() -> None:
    assert current_lang() == "es"
    assert label_text({"es": "Anual", "en": "Annual"}) == "Anual"
