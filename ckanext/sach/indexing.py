"""Schema-side search integration: start-up wiring, index keys, facets and facet labels.

Called from ``hooks.py`` (one line per hook).

Index keys added to every ``dataset`` document (multi-valued where it makes sense, usable in
``fq`` and ``facet.field``): ``sector``, ``frequency``, ``place`` (values of vocab ``places``),
``language``, ``obligation`` (vocab ``obligations``), ``obligation_version``, ``personal_data``
and ``res_role``. Repeating fields (``contact``, ``spatial_coverage``, ``temporal_coverage``) are
indexed as JSON text, and vocabulary labels are added to ``text`` so that searching for
"Tonantzintla" or "presupuesto" finds the dataset by its coverage or obligations.
"""
from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach import vocab
from ckanext.sach.values import as_list
from ckanext.sach.vocab.helpers import FACET_VOCABS

log = logging.getLogger(__name__)

REPEATING_FIELDS = ("contact", "spatial_coverage", "temporal_coverage")


def configure(config: Any) -> None:
    """Check every vocabulary once and wire the licence list when the site did not set one."""
    vocab.clear_cache()
    vocab.load_all()
    if not config.get("licenses_group_url"):
        config["licenses_group_url"] = "file://" + os.path.abspath(vocab.licenses_file())
        from ckan import model

        # The register is built lazily and cached on the class: drop any copy built earlier.
        if "_license_register" in model.Package.__dict__:
            del model.Package._license_register  # noqa: SLF001 -- CKAN has no API to drop its cached register


def _subfield_values(value: Any, subfield: str) -> list[str]:
    out = []
    for entry in as_list(value):
        if isinstance(entry, dict) and entry.get(subfield):
            out.append(str(entry[subfield]))
    return out


def _validated(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The scheming output of the dataset: CKAN passes the stored (extras) form and keeps the
    validated one as JSON in ``validated_data_dict``."""
    try:
        return json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except (TypeError, ValueError):
        return {}


def _index_places(pkg_dict: dict[str, Any], value: Any, labels: list[str]) -> None:
    places = _subfield_values(value, "place")
    if places:
        pkg_dict["place"] = places
        labels.extend(vocab.label("places", p, "es") for p in places)


def _index_languages(pkg_dict: dict[str, Any], value: Any) -> None:
    languages = [str(v) for v in as_list(value)]
    if languages:
        pkg_dict["language"] = languages


def _index_obligations(pkg_dict: dict[str, Any], value: Any, labels: list[str]) -> None:
    obligations = [str(v) for v in as_list(value)]
    if obligations:
        pkg_dict["obligation"] = obligations
        pkg_dict["obligation_version"] = sorted(
            {(vocab.get("obligations", o) or {}).get("version", o.split(":")[0]) for o in obligations}
        )
        labels.extend(vocab.label("obligations", o, "es") for o in obligations)


def _index_resource_roles(pkg_dict: dict[str, Any], resources: Any) -> None:
    roles = [res.get("resource_role") or "data" for res in resources or [] if isinstance(res, dict)]
    if roles:
        pkg_dict["res_role"] = sorted(set(roles))


def _repeating_as_json(pkg_dict: dict[str, Any]) -> None:
    for repeating in REPEATING_FIELDS:
        if isinstance(pkg_dict.get(repeating), (list, dict)):
            pkg_dict[repeating] = json.dumps(pkg_dict[repeating], ensure_ascii=False)


def _add_text(pkg_dict: dict[str, Any], labels: list[str]) -> None:
    """Vocabulary labels go to ``text``, so that searching for them finds the dataset."""
    if not labels:
        return
    text = pkg_dict.get("text")
    if text is None:
        pkg_dict["text"] = labels
    elif isinstance(text, list):
        pkg_dict["text"] = text + labels
    else:
        pkg_dict["text"] = [text, *labels]


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    if pkg_dict.get("type") != "dataset":
        return pkg_dict
    validated = _validated(pkg_dict)

    def field(name: str) -> Any:
        return validated.get(name, pkg_dict.get(name))

    labels: list[str] = []
    for key, name in (("sector", "sectors"), ("frequency", "frequencies"),
                      ("personal_data", "personal_data")):
        value = field(key)
        if isinstance(value, str) and value:
            labels.append(vocab.label(name, value, "es"))
    _index_places(pkg_dict, field("spatial_coverage"), labels)
    _index_languages(pkg_dict, field("language"))
    _index_obligations(pkg_dict, field("transparency_obligations"), labels)
    _index_resource_roles(pkg_dict, validated.get("resources"))
    _repeating_as_json(pkg_dict)
    _add_text(pkg_dict, labels)
    return pkg_dict


def facet_titles() -> OrderedDict[str, str]:
    """Facets of the dataset search page, in order, with Spanish titles."""
    return OrderedDict(
        [
            ("organization", tk._("Dependencias")),
            ("groups", tk._("Temas")),
            ("sector", tk._("Sectores")),
            ("frequency", tk._("Frecuencia de actualización")),
            ("place", tk._("Cobertura geográfica")),
            ("res_format", tk._("Formatos")),
            ("license_id", tk._("Licencias")),
            ("tags", tk._("Palabras clave")),
        ]
    )


def dataset_facets(facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
    if package_type != "dataset":
        return facets_dict
    ours = facet_titles()
    result: OrderedDict[str, Any] = OrderedDict(ours)
    for key, title in facets_dict.items():
        if key not in result:
            result[key] = title
    facets_dict.clear()
    facets_dict.update(result)
    return facets_dict


def after_dataset_search(search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
    """Facet items of vocabulary facets show their labels (``display_name``), not slugs."""
    facets = search_results.get("search_facets") or {}
    for facet, data in facets.items():
        name = FACET_VOCABS.get(facet)
        if not name or name == "licenses" or not isinstance(data, dict):
            continue
        for item in data.get("items", []):
            if vocab.get(name, item.get("name")) is not None:
                item["display_name"] = vocab.label(name, item["name"])
    return search_results
