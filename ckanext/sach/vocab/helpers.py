"""Template helpers over the vocabularies (registered through registry.HELPER_MODULES)."""
from __future__ import annotations

from typing import Any

from ckanext.sach import values, vocab

__all__ = [
    "sach_facet_item_label",
    "sach_vocab_choices",
    "sach_vocab_label",
    "sach_vocab_labels",
    "sach_vocab_list",
]

#: search facet field -> vocabulary used for its item labels
FACET_VOCABS = {
    "sector": "sectors",
    "frequency": "frequencies",
    "place": "places",
    "language": "languages",
    "obligation": "obligations",
    "personal_data": "personal_data",
    "license_id": "licenses",
}


def sach_vocab_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """Scheming ``choices_helper``: the choices of the field's ``vocab``."""
    return vocab.choices(field["vocab"])


def sach_vocab_label(name: str, value: Any, lang: str | None = None) -> str:
    return vocab.label(name, value, lang)


def sach_vocab_list(value: Any) -> list[Any]:
    """A list value as a list (accepts a list, its JSON text, or a single value)."""
    return values.as_list(value)


def sach_vocab_labels(name: str, value: Any, lang: str | None = None) -> list[str]:
    """Labels of a single or list value (a list or its JSON text)."""
    return [vocab.label(name, v, lang) for v in sach_vocab_list(value) if v not in (None, "")]


def sach_facet_item_label(facet: str, item: dict[str, Any]) -> str:
    """Label shown for a facet item: the vocabulary label when the facet has one."""
    name = FACET_VOCABS.get(facet)
    if name and vocab.get(name, item.get("name")) is not None:
        return vocab.label(name, item.get("name"))
    return item.get("display_name") or item.get("name") or ""
