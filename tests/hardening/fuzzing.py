"""Hypothesis strategies shared by the fuzz tests and ``bench/fuzz.py``: hostile JSON values,
dataset payloads with some fields replaced by them, and query strings for the site's views."""
from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# text that has broken things before: NUL, quotes, Solr/SQL syntax, huge numbers, RTL, emoji
NASTY_TEXT = st.sampled_from([
    "", " ", "\x00", "a\x00b", '"', "'", '"unclosed', "si'", "*:*", "OR", "AND NOT", "title:(", ")", "{!lucene}",
    "%", "_", "\\", "../../etc/passwd", "<script>alert(1)</script>", "9" * 30, "-1", "0", "1e309", "NaN",
    "null", "[]", "{}", "\u202e", "ñandú", "🙂", "x" * 3000,
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
])
TEXT = st.one_of(NASTY_TEXT, st.text(max_size=40))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                   st.floats(allow_nan=False, allow_infinity=False), TEXT)
JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(TEXT, inner, max_size=3)), max_leaves=6)

DATASET_KEYS = ["id", "name", "title", "notes", "owner_org", "private", "state", "type", "tag_string", "tags",
                "license_id", "sector", "frequency", "issued", "modified", "contact", "spatial_coverage",
                "temporal_coverage", "language", "transparency_obligations", "url", "documentation",
                "data_dictionary_url", "personal_data", "personal_data_legal_basis", "quality_notes",
                "resources", "extras", "groups", "identifier", "unknown_field"]
RESOURCE_KEYS = ["url", "name", "description", "format", "mimetype", "size", "resource_role", "rights", "id",
                 "url_type", "last_modified"]


@st.composite
def dataset_payload(draw: Any, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with 1–3 fields (of the dataset or of its first resource) set to hostile JSON, or removed."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            key = draw(st.sampled_from(DATASET_KEYS))
            target = data
        else:
            key = draw(st.sampled_from(RESOURCE_KEYS))
            target = data["resources"][0] if data.get("resources") and isinstance(data["resources"], list) \
                and isinstance(data["resources"][0], dict) else data
        if draw(st.integers(0, 9)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(JSON)
    return data


PARAM_VALUES = st.one_of(NASTY_TEXT, st.text(max_size=12), st.integers(-(10 ** 25), 10 ** 25).map(str))
QUERY = st.lists(st.tuples(st.sampled_from(["q", "page", "sort", "tema", "publico", "estado", "dataset",
                                            "tags", "organization", "groups", "res_format", "license_id",
                                            "ext_bbox", "rows", "start", "_tags_limit", "lang", "x"]),
                           PARAM_VALUES), max_size=4)

MICROSITE_PATHS = ["/gobierno-abierto/", "/gobierno-abierto/informacion-util", "/gobierno-abierto/datos-abiertos",
                   "/gobierno-abierto/ayuntamiento-abierto", "/gobierno-abierto/participacion",
                   "/transparencia/cobertura", "/calidad", "/"]
SEARCH_PATHS = ["/dataset/"]


def base_dataset(**overrides: Any) -> dict[str, Any]:
    """A valid public dataset whose file the personal-data scanner does not fetch (a PDF), so
    that it may be public at once (linked CSV/JSON files wait for their scan)."""
    from tests.factories import dataset_payload

    resources = [{"url": "https://sach.gob.mx/datos/presupuesto-2024.pdf", "name": "Presupuesto 2024",
                  "format": "PDF"}]
    return dataset_payload(**{"resources": resources, **overrides})
