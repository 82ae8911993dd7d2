"""Small conversions of field values shared by every area: lists and labels.

Scheming stores a multiple-valued field as a JSON list in text, forms send one value or a list,
CSV cells and old data hold a single value, dataset names are typed separated by spaces or
commas; labels come as ``{es:, en:}`` dicts (vocabularies, scheming choices) or plain text.
"""
from __future__ import annotations

import json
from typing import Any

from flask import has_request_context

__all__ = ["DEFAULT_LANG", "as_list", "current_lang", "label_text", "split_names"]

DEFAULT_LANG = "es"


def _json_list(text: str) -> list[Any] | None:
    """The list a JSON text holds; None when it holds no list or is not JSON."""
    try:
        loaded = json.loads(text)
    except ValueError:
        return None
    return loaded if isinstance(loaded, list) else None


def as_list(value: Any, *, only_json: bool = False, keep_bad_json: bool = True) -> list[Any]:
    """A field value as a list.

    - ``None``, ``""`` and ``[]``: ``[]``;
    - a list or tuple: a list of its items;
    - text opening with ``[``: the JSON list it holds; when it is not JSON, ``[text]``
      (``[]`` with ``keep_bad_json=False``);
    - any other text or value: ``[value]`` (a single value);
    - with ``only_json=True`` text must be a JSON list and other values a list or tuple:
      anything else is ``[]`` (values read back from the index, never typed by a person).
    """
    if value is None or value in ("", []):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if only_json:
        return (_json_list(value) or []) if isinstance(value, str) else []
    if isinstance(value, str) and value.startswith("["):
        loaded = _json_list(value)
        if loaded is not None:
            return loaded
        return [value] if keep_bad_json else []
    return [value]


def split_names(value: Any) -> list[str]:
    """Dataset names typed separated by spaces or commas (``"a b,c"``), or a list of them."""
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return str(value).replace(",", " ").split()


def current_lang() -> str:
    """The language of the page being served (``es``, ``en``); ``es`` outside a request."""
    if not has_request_context():
        return DEFAULT_LANG
    from ckan.lib.i18n import get_lang

    lang = get_lang()
    return str(lang).split("_")[0] if lang else DEFAULT_LANG


def label_text(label: Any, lang: str | None = None) -> str:
    """The text of a label (``{es:, en:}`` dict or plain text) in ``lang`` (default: the page
    language), else in Spanish, else in any language it has; ``""`` when there is none."""
    if isinstance(label, dict):
        wanted = label.get(lang or current_lang()) or label.get(DEFAULT_LANG)
        if wanted:
            return str(wanted)
        return str(next((text for text in label.values() if text), ""))
    return "" if label is None else str(label)
