"""Controlled vocabularies of the San Andrés Cholula catalogue.

Each vocabulary is a data file ``ckanext/sach/vocab/<name>.yaml``: a list of items with at
least ``value`` and ``label: {es:, en:}`` (plus keys of their own, e.g. ``eu_uri``). Files are
read once and cached. Forms (scheming ``choices_helper``), validators, facets, templates and the
DCAT profile all read them through this module::

    from ckanext.sach import vocab
    vocab.items("frequencies")            # list of dicts
    vocab.get("sectors", "educacion")     # dict or None
    vocab.label("places", "21119")        # label in the request language (fallback es)

Two vocabularies can be replaced by configuration (the lists `ckan sach seed` creates):
``dependencias`` (``ckanext.sach.seed.dependencias_file``) and ``themes``
(``ckanext.sach.seed.themes_file``).
"""
from __future__ import annotations

import json
import os
import threading
from typing import Any

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LANG = "es"
LANGS = ("es", "en")

#: vocabulary name -> config option that may point to a replacement file
CONFIGURABLE = {
    "dependencias": "ckanext.sach.seed.dependencias_file",
    "themes": "ckanext.sach.seed.themes_file",
}

_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}
_index: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
_lock = threading.Lock()


class VocabularyError(ValueError):
    """A vocabulary file is missing or malformed."""


def names() -> list[str]:
    """Names of the vocabularies shipped with the extension."""
    return [*sorted(os.path.splitext(f)[0] for f in os.listdir(HERE) if f.endswith(".yaml")), "licenses"]


def path(name: str) -> str:
    """The file a vocabulary is read from (configured replacement or shipped file)."""
    option = CONFIGURABLE.get(name)
    if option:
        configured = _config_value(option)
        if configured:
            return configured
    if name == "licenses":
        return os.path.join(HERE, "licenses.json")
    return os.path.join(HERE, f"{name}.yaml")


def licenses_file() -> str:
    """Path of the licence list (CKAN licence-list JSON format)."""
    return os.path.join(HERE, "licenses.json")


def _config_value(option: str) -> str:
    try:
        import ckan.plugins.toolkit as tk

        return (tk.config.get(option) or "").strip()
    except ImportError:  # outside a CKAN install (scripts, docs)
        return ""


def _load(name: str, file_path: str) -> list[dict[str, Any]]:
    if not os.path.exists(file_path):
        raise VocabularyError(f"Vocabulary {name!r}: file not found: {file_path}")
    with open(file_path, encoding="utf-8") as f:
        data = json.load(f) if file_path.endswith(".json") else yaml.safe_load(f)
    if name == "licenses":
        data = [
            dict(lic, value=lic["id"], label={"es": lic["title"], "en": lic["title"]})
            for lic in (data.values() if isinstance(data, dict) else data)
        ]
    if not isinstance(data, list):
        raise VocabularyError(f"Vocabulary {name!r} must be a list of items: {file_path}")
    seen: set[str] = set()
    items = []
    for entry in data:
        if not isinstance(entry, dict) or "value" not in entry:
            raise VocabularyError(f"Vocabulary {name!r}: item without value: {entry!r}")
        item = dict(entry)
        item["value"] = str(item["value"])
        label = item.get("label")
        if isinstance(label, str):
            label = {"es": label, "en": label}
        if not isinstance(label, dict) or DEFAULT_LANG not in label:
            raise VocabularyError(
                f"Vocabulary {name!r}: item {item['value']!r} needs label.es"
            )
        label.setdefault("en", label[DEFAULT_LANG])
        item["label"] = label
        if item["value"] in seen:
            raise VocabularyError(f"Vocabulary {name!r}: duplicate value {item['value']!r}")
        seen.add(item["value"])
        items.append(item)
    return items


def items(name: str) -> list[dict[str, Any]]:
    """All items of a vocabulary, in file order (do not mutate them)."""
    file_path = path(name)
    key = (name, file_path)
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is None:
                found = _load(name, file_path)
                _index[key] = {i["value"]: i for i in found}
                _cache[key] = found
    return found


def values(name: str) -> list[str]:
    return [i["value"] for i in items(name)]


def get(name: str, value: Any) -> dict[str, Any] | None:
    """The item whose value is ``value`` (None when absent)."""
    if value is None:
        return None
    items(name)
    return _index[(name, path(name))].get(str(value))


def current_lang() -> str:
    """Language of the current request; ``es`` outside a request."""
    from ckan.common import request
    from ckan.lib.i18n import get_lang

    if not request:  # the proxy is falsy outside a request
        return DEFAULT_LANG
    try:
        lang = get_lang()
    except RuntimeError:  # a request without an app context (a bare test request)
        return DEFAULT_LANG
    return str(lang).split("_")[0] if lang else DEFAULT_LANG


def label(name: str, value: Any, lang: str | None = None) -> str:
    """Label of ``value`` in ``lang`` (default: request language, fallback es).

    Unknown values are returned as given, so that old data stays readable.
    """
    item = get(name, value)
    if item is None:
        return "" if value is None else str(value)
    lang = lang or current_lang()
    return item["label"].get(lang) or item["label"][DEFAULT_LANG]


def choices(name: str) -> list[dict[str, Any]]:
    """Scheming choices (``value`` and ``label`` as an {es, en} dict)."""
    return [{"value": i["value"], "label": i["label"]} for i in items(name)]


def clear_cache() -> None:
    """Forget loaded files (tests that change configuration)."""
    with _lock:
        _cache.clear()
        _index.clear()


def load_all() -> None:
    """Read and check every vocabulary (called once at start-up)."""
    for name in names():
        items(name)
