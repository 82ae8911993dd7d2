"""Searches filtered only by who may see what: served from `sach_search_tally`.

CKAN adds the same filters to every `package_search` (`+site_id:…`, `+state:active`, `+capacity:
public` unless private datasets are included, `+permission_labels:(…)` unless the user is a
sysadmin, and `+dataset_type:…` on the dataset pages). A search made of those filters alone (`q`
empty or `*:*`: the catalogue page, the home page, harvesters' listings) selects whole visibility
classes, whose document and facet-term counts the tally table keeps exact (migration
`b9e4d2a7c1f6`). `classify` recognises such a search from its parsed filters; any other clause, a
repeated field or an unusual form sends the search down the general path, which reads the matching
documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from luqum import tree

from ckanext.sach.search.query import QueryBuilder, QueryError, parse

__all__ = ["Visibility", "classify"]

# Columns of the visibility class, each tested with equality (labels: any of them).
CLASS_FIELDS = ("site_id", "state", "capacity", "dataset_type", "permission_labels")


@dataclass
class Visibility:
    """The accepted values of each class column (a missing column is not filtered)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def where(self, builder: QueryBuilder, alias: str = "y") -> str:
        """SQL over the tally's columns, with the values bound through `builder`."""
        clauses = []
        for name in CLASS_FIELDS:
            if name not in self.values:
                continue
            bound = builder.param(self.values[name])
            if name == "permission_labels":
                clauses.append(f"{alias}.permission_labels && CAST({bound} AS text[])")
            else:
                clauses.append(f"{alias}.{name} = ANY(CAST({bound} AS text[]))")
        return " AND ".join(clauses) or "TRUE"


def _value(item: tree.Item) -> str | None:
    if isinstance(item, tree.Phrase):
        return item.unescaped_value[1:-1]
    if isinstance(item, tree.Word):
        raw = item.value
        if any(c in raw for c in "*?") or raw in ("", "*"):
            return None
        return item.unescaped_value
    return None


def _values(item: tree.Item) -> list[str] | None:
    """The values of `field:value`, `field:(a OR b)`, `field:("a")`; None for any other form."""
    if isinstance(item, (tree.FieldGroup, tree.Group)):
        return _values(item.expr)
    if isinstance(item, tree.OrOperation):
        out: list[str] = []
        for child in item.children:
            one = _value(child)
            if one is None:
                return None
            out.append(one)
        return out
    one = _value(item)
    return None if one is None else [one]


def _required_clauses(item: tree.Item, default_operator: str) -> list[tree.Item] | None:
    """The clauses that a filter requires (all of them), or None if any is optional or negated."""
    if isinstance(item, tree.Plus):
        return [item.a]
    if isinstance(item, tree.SearchField):
        return [item]
    if isinstance(item, tree.Group):
        return _required_clauses(item.expr, default_operator)
    and_like = isinstance(item, tree.AndOperation) or (
        isinstance(item, tree.UnknownOperation)
        and (default_operator == "AND" or all(isinstance(c, tree.Plus) for c in item.children))
    )
    if not and_like:
        return None
    out: list[tree.Item] = []
    for child in item.children:
        inner = _required_clauses(child, default_operator)
        if inner is None:
            return None
        out.extend(inner)
    return out


def _add(found: dict[str, list[str]], item: tree.Item) -> bool:
    if not isinstance(item, tree.SearchField):
        return False
    name = tree.Word(item.name).unescaped_value
    if name not in CLASS_FIELDS or name in found:
        return False
    values = _values(item.expr)
    if not values:
        return False
    found[name] = values
    return True


def _blank(q: Any) -> bool:
    return q is None or (isinstance(q, str) and q.strip() in ("", "*:*"))


def classify(q: Any, fqs: list[Any], default_operator: str = "AND") -> Visibility | None:
    """The visibility classes a search selects, when it filters on nothing else."""
    if not _blank(q):
        return None
    found: dict[str, list[str]] = {}
    for fq in fqs:
        if not isinstance(fq, str):
            return None
        text = fq.strip()
        if not text or text == "*:*":
            continue
        try:
            clauses = _required_clauses(parse(text), default_operator)
        except QueryError:
            return None
        if clauses is None or not all(_add(found, c) for c in clauses):
            return None
    if "site_id" not in found:  # CKAN always names the site; anything else is not a listing
        return None
    return Visibility(found)
