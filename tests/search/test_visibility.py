"""Which searches the tally answers: only those CKAN filters by visibility alone. Anything that
narrows further (a tag, a negation, an optional clause, free text) must go to the documents."""
from __future__ import annotations

import pytest

from ckanext.sach.search.visibility import classify

ANONYMOUS = ["+capacity:public  +state:(active)", '+site_id:"default"',
             '+permission_labels:("public")']
EDITOR_PAGE = [" +dataset_type:dataset +state:(active OR draft)", '+site_id:"default"',
               '+permission_labels:("public" OR "member-abc" OR "creator-xyz")']


def test_the_anonymous_listing_is_a_set_of_visibility_classes() -> None:
    found = classify("*:*", ANONYMOUS)
    assert found is not None
    assert found.values == {"capacity": ["public"], "state": ["active"], "site_id": ["default"],
                            "permission_labels": ["public"]}


def test_an_editor_catalogue_page_is_too() -> None:
    found = classify("", EDITOR_PAGE)
    assert found is not None
    assert found.values["state"] == ["active", "draft"]
    assert found.values["permission_labels"] == ["public", "member-abc", "creator-xyz"]
    assert "capacity" not in found.values


@pytest.mark.parametrize(("q", "fqs"), [
    ("presupuesto", ANONYMOUS),                                   # free text
    ("*:*", [*ANONYMOUS, 'tags:"salud"']),                        # a facet filter
    ("*:*", [*ANONYMOUS, "-capacity:private"]),                   # a negation
    ("*:*", [*ANONYMOUS, "+state:deleted"]),                      # a field given twice
    ("*:*", ["+state:active", "+capacity:public"]),               # no site: not CKAN's listing
    ("*:*", [*ANONYMOUS[1:], "capacity:public OR state:active"]),  # optional clauses
    ("*:*", [*ANONYMOUS[1:], "+state:activ*"]),                   # a wildcard
    ("*:*", [*ANONYMOUS[1:], "+state:(active AND draft)"]),
    ("*:*", [*ANONYMOUS, ["not", "a", "string"]]),
])
def test_anything_else_reads_the_documents(q: str, fqs: list) -> None:
    assert classify(q, fqs) is None


def test_plain_clauses_are_required_only_with_the_and_operator() -> None:
    fqs = ['site_id:"default" state:active']
    assert classify("*:*", fqs, "AND") is not None
    assert classify("*:*", fqs, "OR") is None
