"""`ckan sach demo`: a demo catalogue of example datasets for San Andrés Cholula.

The datasets are data: ``catalogue.yaml`` in this folder (checked when read: a clear error
names the file and the entry), their figures come from the generators of ``rows.py`` drawing from
one fixed random seed (same files on every run). Every dataset is marked "Datos de ejemplo" in its
description and gets real uploaded files (CSV, JSON, GeoJSON) plus a data dictionary (CSV
resource with role ``data_dictionary``). Figures are invented: aggregated, never about a person.
Public datasets: more than 40; a few private and draft ones are added so that permission and leak
tests have something to find.

Idempotent: a dataset that already exists is left alone (a half-loaded one from an interrupted
run — a draft that should not be — is purged and loaded again).
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from ckanext.sach import seed, vocab

from . import rows as generators

__all__ = ["DemoDataError", "Spec", "catalogue", "read_data", "run"]

log = logging.getLogger(__name__)

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGUE_FILE = os.path.join(HERE, "catalogue.yaml")
SEED = 21119
EXAMPLE_NOTICE = (
    "**Datos de ejemplo.** Generados por el proyecto de datos abiertos para demostrar el "
    "catálogo; no son cifras oficiales del Ayuntamiento de San Andrés Cholula."
)

Column = tuple[str, str, str]  # name, type, description


class DemoDataError(ValueError):
    """A demo data file is missing or malformed (the message names the file and the entry)."""


@dataclass
class Spec:
    """One demo dataset."""

    name: str
    title: str
    org: str
    notes: str
    sector: str
    frequency: str
    columns: list[Column]
    rows: Callable[[random.Random], list[dict[str, Any]]]
    groups: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=lambda: ["21119"])
    year: int = 2024
    extra_formats: list[str] = field(default_factory=list)  # "JSON", "GeoJSON"
    geo: bool = False
    private: bool = False
    state: str = "active"
    languages: list[str] = field(default_factory=lambda: ["es"])


# ----------------------------------------------------------------------------- data files


def read_data(path: str) -> Any:
    """The YAML document of a demo data file."""
    if not os.path.exists(path):
        raise DemoDataError(f"{path}: file not found")
    with open(path, encoding="utf-8") as f:
        try:
            return yaml.safe_load(f)
        except yaml.YAMLError as error:
            raise DemoDataError(f"{path}: not valid YAML: {error}") from error


_REQUIRED = ("name", "title", "org", "notes", "sector", "frequency", "columns", "rows")
_OPTIONAL = ("groups", "tags", "obligations", "places", "year", "extra_formats", "geo", "private",
             "state", "languages")
_EXTRA_FORMATS = ("JSON", "GeoJSON")
_STATES = ("active", "draft")


class _Entry:
    """Checks one ``datasets`` entry of the catalogue file; errors name the file and entry."""

    def __init__(self, path: str, raw: Any, position: int) -> None:
        self.path = path
        self.raw = raw
        self.label = repr(raw.get("name")) if isinstance(raw, dict) and raw.get("name") else f"#{position}"

    def fail(self, message: str) -> DemoDataError:
        return DemoDataError(f"{self.path}, dataset {self.label}: {message}")

    def check(self) -> dict[str, Any]:
        raw = self.raw
        if not isinstance(raw, dict):
            raise self.fail("must be a mapping of dataset fields")
        missing = [k for k in _REQUIRED if not raw.get(k)]
        if missing:
            raise self.fail(f"missing {', '.join(missing)}")
        unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise self.fail(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(_REQUIRED + _OPTIONAL)})")
        for key in ("name", "title", "org", "notes"):
            if not isinstance(raw[key], str):
                raise self.fail(f"{key} must be text")
        self._in_vocab("sector", [raw["sector"]], "sectors")
        self._in_vocab("frequency", [raw["frequency"]], "frequencies")
        self._in_vocab("groups", raw.get("groups", []), "themes")
        self._in_vocab("obligations", raw.get("obligations", []), "obligations")
        self._in_vocab("languages", raw.get("languages", []), "languages")
        columns = raw["columns"]
        if not isinstance(columns, list) or not all(
                isinstance(c, list) and len(c) == 3 and all(isinstance(x, str) and x for x in c) for c in columns):
            raise self.fail("columns must be a list of [name, type, description]")
        if raw["rows"] not in generators.names():
            raise self.fail(f"rows {raw['rows']!r} is not a generator of rows.py "
                            f"({', '.join(sorted(generators.names()))})")
        for fmt in raw.get("extra_formats", []):
            if fmt not in _EXTRA_FORMATS:
                raise self.fail(f"extra_formats: {fmt!r} is not one of {', '.join(_EXTRA_FORMATS)}")
        if raw.get("state", "active") not in _STATES:
            raise self.fail(f"state must be one of {', '.join(_STATES)}")
        if not isinstance(raw.get("year", 2024), int):
            raise self.fail("year must be a number")
        return raw

    def _in_vocab(self, key: str, values: Any, name: str) -> None:
        if not isinstance(values, list):
            raise self.fail(f"{key} must be a list")
        known = set(vocab.values(name))
        for value in values:
            if str(value) not in known:
                raise self.fail(f"{key}: {value!r} is not in the {name} vocabulary")

    def places(self, junta: dict[str, Any] | None) -> list[str]:
        """``places``: place values, ``{junta}`` (the entry's junta), or ``{kind: K, first: N}``
        (the first N places of kind K of the places vocabulary, all when N is absent)."""
        out: list[str] = []
        for item in self.raw.get("places", ["21119"]):
            if isinstance(item, dict):
                kind, first = item.get("kind"), item.get("first")
                found = [p["value"] for p in vocab.items("places") if p.get("kind") == kind]
                if not found or set(item) - {"kind", "first"}:
                    raise self.fail(f"places: {item!r} is not {{kind: <place kind>, first: <n>}}")
                out += found[:first] if isinstance(first, int) else found
            elif item == "{junta}":
                if junta is None:
                    raise self.fail("places: {junta} needs for_each: {junta: …}")
                out.append(junta["value"])
            elif vocab.get("places", item) is None:
                raise self.fail(f"places: {item!r} is not in the places vocabulary")
            else:
                out.append(str(item))
        return out


def _variants(path: str, group: dict[str, Any], position: int) -> list[dict[str, Any]]:
    """The substitutions of a group's ``for_each``: one per year, or one per place of a kind."""
    for_each = group.get("for_each")
    if for_each is None:
        return [{}]
    if isinstance(for_each, dict) and set(for_each) == {"year"} and isinstance(for_each["year"], list) \
            and all(isinstance(y, int) for y in for_each["year"]):
        return [{"year": y} for y in for_each["year"]]
    if isinstance(for_each, dict) and set(for_each) == {"junta"}:
        places = [p for p in vocab.items("places") if p.get("kind") == for_each["junta"]]
        if places:
            return [{"junta": p} for p in places]
    raise DemoDataError(f"{path}, group #{position}: for_each must be {{year: [years]}} or "
                        f"{{junta: <place kind>}}, not {for_each!r}")


def _fill(text: str, variant: dict[str, Any]) -> str:
    junta = variant.get("junta")
    return text.format_map({
        "year": variant.get("year", ""),
        "junta": junta["value"] if junta else "",
        "junta_label": junta["label"]["es"] if junta else "",
    })


def catalogue(path: str = CATALOGUE_FILE) -> list[Spec]:
    """The demo datasets of ``catalogue.yaml``, in file order (the order the seeded figures are
    drawn in). Raises :class:`DemoDataError` naming the file and entry when the data is wrong."""
    document = read_data(path)
    if not isinstance(document, list):
        raise DemoDataError(f"{path}: must be a list of groups ({{for_each?, datasets: [...]}})")
    specs: list[Spec] = []
    for g, group in enumerate(document, 1):
        if not isinstance(group, dict) or not isinstance(group.get("datasets"), list) \
                or set(group) - {"for_each", "datasets"}:
            raise DemoDataError(f"{path}, group #{g}: must be {{for_each?, datasets: [...]}}")
        variants = _variants(path, group, g)
        for variant in variants:
            for position, raw in enumerate(group["datasets"], 1):
                entry = _Entry(path, raw, position)
                data = entry.check()
                try:
                    texts = {k: _fill(data[k], variant) for k in ("name", "title", "org", "notes")}
                except (KeyError, ValueError, IndexError) as error:
                    raise entry.fail(f"unknown placeholder {error} (use {{year}}, {{junta}}, {{junta_label}})") \
                        from error
                year = variant.get("year", data.get("year", 2024))
                specs.append(Spec(
                    **texts, sector=data["sector"], frequency=data["frequency"],
                    columns=[(c[0], c[1], c[2]) for c in data["columns"]],
                    rows=generators.generator(data["rows"], year, variant.get("junta")),
                    groups=list(data.get("groups", [])), tags=list(data.get("tags", [])),
                    obligations=list(data.get("obligations", [])), places=entry.places(variant.get("junta")),
                    year=year, extra_formats=list(data.get("extra_formats", [])), geo=bool(data.get("geo")),
                    private=bool(data.get("private")), state=data.get("state", "active"),
                    languages=list(data.get("languages", ["es"])),
                ))
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DemoDataError(f"{path}: dataset name(s) used twice: {', '.join(duplicates)}")
    return specs


# ----------------------------------------------------------------------------- files


def csv_bytes(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buf.getvalue().encode("utf-8")


def json_bytes(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def geojson_bytes(rows: list[dict[str, Any]]) -> bytes:
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [row["longitud"], row["latitud"]]},
         "properties": {k: v for k, v in row.items() if k not in ("longitud", "latitud")}}
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, indent=1).encode("utf-8")


def dictionary_bytes(columns: list[Column]) -> bytes:
    rows = [{"campo": n, "tipo": t, "descripcion": d} for n, t, d in columns]
    return csv_bytes(rows, ["campo", "tipo", "descripcion"])


def resources_for(spec: Spec, rng: random.Random) -> list[dict[str, Any]]:
    """The files of a dataset: data (CSV and extra formats) and the data dictionary."""
    rows = spec.rows(rng)
    columns = [c[0] for c in spec.columns]
    base = spec.name
    files = [{"name": f"{spec.title} (CSV)", "filename": f"{base}.csv", "format": "CSV",
              "content": csv_bytes(rows, columns), "resource_role": "data",
              "description": "Datos de ejemplo en CSV (UTF-8)."}]
    if "JSON" in spec.extra_formats:
        files.append({"name": f"{spec.title} (JSON)", "filename": f"{base}.json", "format": "JSON",
                      "content": json_bytes(rows), "resource_role": "data",
                      "description": "Los mismos datos de ejemplo en JSON."})
    if "GeoJSON" in spec.extra_formats:
        files.append({"name": f"{spec.title} (GeoJSON)", "filename": f"{base}.geojson", "format": "GeoJSON",
                      "content": geojson_bytes(rows), "resource_role": "data",
                      "description": "Ubicaciones aproximadas de ejemplo (WGS84) en GeoJSON."})
    files.append({"name": "Diccionario de datos", "filename": f"{base}-diccionario.csv", "format": "CSV",
                  "content": dictionary_bytes(spec.columns), "resource_role": "data_dictionary",
                  "description": "Nombre, tipo y descripción de cada columna."})
    return files


# ----------------------------------------------------------------------------- loading


def dataset_dict(spec: Spec) -> dict[str, Any]:
    owner = vocab.get("dependencias", spec.org)
    org_title = owner["label"]["es"] if owner else spec.org
    y = spec.year
    data: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title,
        "owner_org": spec.org,
        "notes": f"{EXAMPLE_NOTICE}\n\n{spec.notes}",
        "tag_string": ",".join([*spec.tags, "datos de ejemplo"]),
        "license_id": "libre-uso-mx",
        "sector": spec.sector,
        "frequency": spec.frequency,
        "issued": f"{min(y + 1, 2025)}-01-15",
        "modified": f"{min(y + 1, 2025)}-02-{10 + len(spec.name) % 15:02d}",
        "contact": [{"name": org_title, "email": tk.config.get("ckanext.sach.contact_email")
                     or "transparencia@sach.gob.mx"}],
        "spatial_coverage": [{"place": p} for p in spec.places],
        "temporal_coverage": [{"start": f"{y}-01-01", "end": f"{y}-12-31"}],
        "language": spec.languages,
        "transparency_obligations": spec.obligations,
        "personal_data": "no",
        "quality_notes": "Datos de ejemplo generados automáticamente; sin revisión de calidad.",
        "groups": [{"name": g} for g in spec.groups],
        "private": spec.private,
        "state": "draft",
    }
    return data


def _show(name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")(seed.site_context(), {"id": name})
    except tk.ObjectNotFound:
        return None


def load_dataset(spec: Spec, rng: random.Random) -> str:
    """Create one dataset with its files; returns "created" or "existing"."""
    files = resources_for(spec, rng)  # always drawn, so later datasets get the same figures
    existing = _show(spec.name)
    if existing:
        if existing["state"] == spec.state or existing["state"] != "draft":
            return "existing"
        # an interrupted earlier run left a half-loaded draft
        tk.get_action("dataset_purge")(seed.site_context(), {"id": existing["id"]})
    pkg = tk.get_action("package_create")(seed.site_context(), dataset_dict(spec))
    for f in files:
        upload = FileStorage(stream=io.BytesIO(f["content"]), filename=f["filename"],
                             content_type=(vocab.get("formats", f["format"]) or {}).get("mimetype"))
        tk.get_action("resource_create")(seed.site_context(), {
            "package_id": pkg["id"], "name": f["name"], "description": f["description"],
            "format": f["format"], "resource_role": f["resource_role"], "upload": upload,
            "url": f["filename"],
        })
    if spec.state != "draft":
        tk.get_action("package_patch")(seed.site_context(), {"id": pkg["id"], "state": spec.state})
    return "created"


def ensure_organizations(specs: list[Spec]) -> list[str]:
    """Create the dependencias the demo needs that the (configurable) seed list lacks."""
    import os

    import yaml

    with open(os.path.join(os.path.dirname(vocab.__file__), "dependencias.yaml"), encoding="utf-8") as f:
        shipped = {item["value"]: item for item in yaml.safe_load(f)}
    created = []
    for name in sorted({s.org for s in specs}):
        try:
            tk.get_action("organization_show")(seed.site_context(), {"id": name})
        except tk.ObjectNotFound:
            item = shipped.get(name) or {"value": name, "label": {"es": name, "en": name}}
            tk.get_action("organization_create")(seed.site_context(), seed.organization_dict(item))
            created.append(name)
    return created


def run(limit: int | None = None) -> dict[str, Any]:
    """Seed, then load the demo catalogue. Returns counts of created and existing datasets."""
    seeded = seed.run()
    specs = catalogue()
    seeded["demo_organizations"] = ensure_organizations(specs)
    rng = random.Random(SEED)  # noqa: S311 -- reproducible demo figures, not a secret
    created, existing = [], []
    for spec in specs[:limit]:
        if load_dataset(spec, rng) == "created":
            created.append(spec.name)
        else:
            existing.append(spec.name)
    return {"seed": seeded, "created": created, "existing": existing}
