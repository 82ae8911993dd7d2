"""The columns of the bulk template, read from the scheming dataset schema.

Nothing here is written by hand per field: a new field of ``schemas/dataset.yaml`` becomes a
column, its Spanish label the header, its help text the header comment and its choices (vocabulary,
``choices``, licences, dependencias) a drop-down list. Besides the schema's fields the template has
``Tipo de fila`` (dataset or resource row) and ``Visibilidad`` (CKAN's ``private``).

Cell values are kept as *canonical text*: codes (not labels) of choices, several values joined
by ``"; "``, repeating subfields one column each with their entries aligned by position.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import ckan.plugins.toolkit as tk

SEP = "; "
KIND_DATASET = "conjunto"
KIND_RESOURCE = "recurso"
ROW_KIND_KEY = "_row"
PRIVATE_KEY = "private"
# CKAN fills these itself; they never appear in the template
SKIP_RESOURCE_FIELDS = ("size",)


@dataclass
class Column:
    key: str                  # "title", "contact.email", "resource.format"
    label: str                # Spanish header
    help: str = ""
    level: str = "dataset"    # dataset | resource | row
    field: str = ""           # schema field name
    sub: str = ""             # subfield of a repeating field
    multi: bool = False       # several values in one cell
    required: bool = False
    choices: list[tuple[str, str]] = dc_field(default_factory=list)  # (value, label)
    strict: bool = True       # drop-down refuses other values (False: warning only)

    def value_of_label(self, text: str) -> str:
        """The code of a choice written as its label (or as its code); other text as given."""
        if not self.choices:
            return text
        wanted = normal(text)
        for value, label in self.choices:
            if normal(value) == wanted or normal(label) == wanted:
                return value
        return text

    def label_of_value(self, value: str) -> str:
        for v, label in self.choices:
            if v == value:
                return label
        return value


def normal(text: Any) -> str:
    """Header/label comparison: no accents, no case, single spaces, no trailing ``*``."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(text.replace("*", " ").split()).casefold()


def es(text: Any) -> str:
    """The Spanish text of a scheming ``{es:, en:}`` label (or a plain string)."""
    if isinstance(text, dict):
        return str(text.get("es") or next(iter(text.values()), ""))
    return str(text or "")


def _schema() -> dict[str, Any]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    return scheming_get_dataset_schema("dataset") or {}


def _choices(schema_field: dict[str, Any]) -> list[tuple[str, str]]:
    if schema_field.get("field_name") == "license_id" or schema_field.get("form_snippet") == "license.html":
        from ckan import model

        register = model.Package.get_license_register()
        return [(lic.id, str(lic.title)) for lic in register.values()]
    if schema_field.get("vocab"):
        from ckanext.sach import vocab

        return [(str(c["value"]), es(c["label"])) for c in vocab.choices(schema_field["vocab"])]
    if schema_field.get("choices"):
        return [(str(c["value"]), es(c.get("label", c["value"]))) for c in schema_field["choices"]]
    return []


def _is_multi(schema_field: dict[str, Any]) -> bool:
    hints = " ".join(str(schema_field.get(k) or "") for k in ("preset", "validators", "form_snippet"))
    return "multiple" in hints or "checkboxes" in hints or "_list" in hints


def _help(schema_field: dict[str, Any], multi: bool, choices: bool, required: bool) -> str:
    parts = [es(schema_field.get("help_text"))]
    if required:
        parts.append(tk._("Obligatorio."))
    if choices:
        parts.append(tk._("Elija un valor de la lista."))
    if multi:
        parts.append(tk._("Varios valores separados por «;»."))
    return " ".join(p for p in parts if p)


def dataset_columns(org_choices: list[tuple[str, str]] | None = None) -> list[Column]:
    """Every column of the template, in order: row kind, dataset fields, resource fields.

    Headers and the values of the lists are Spanish whatever the interface language (the
    schema's ``es`` labels), so that a file reads the same for every officer and in the CLI;
    the help texts in the header comments follow the interface language."""
    schema = _schema()
    cols = [Column(ROW_KIND_KEY, "Tipo de fila", level="row", required=True,
                   help=tk._("«Conjunto» para un conjunto de datos; «Recurso» para un archivo o enlace del "
                             "conjunto cuya URL va en la columna «URL»."),
                   choices=[(KIND_DATASET, "Conjunto"), (KIND_RESOURCE, "Recurso")])]
    for f in schema.get("dataset_fields", []):
        name = f["field_name"]
        label = es(f.get("label")) or name
        required = bool(f.get("required"))
        subfields = f.get("repeating_subfields")
        if subfields:
            for sub in subfields:
                choices = _choices(sub)
                cols.append(Column(f"{name}.{sub['field_name']}", f"{label}: {es(sub.get('label'))}",
                                   field=name, sub=sub["field_name"], multi=True, required=required
                                   and bool(sub.get("required")), choices=choices, strict=False,
                                   help=_help(sub if sub.get("help_text") else f, True, bool(choices),
                                              required and bool(sub.get("required")))))
            continue
        choices = list(org_choices or []) if name == "owner_org" else _choices(f)
        multi = _is_multi(f)
        cols.append(Column(name, label, field=name, multi=multi, required=required, choices=choices,
                           strict=not multi, help=_help(f, multi, bool(choices), required)))
        if name == "owner_org":
            cols.append(Column(PRIVATE_KEY, "Visibilidad", field=PRIVATE_KEY,
                               choices=[("True", "Privado"), ("False", "Público")],
                               help=tk._("Privado (por omisión en conjuntos nuevos) o Público. Un conjunto con "
                                         "archivos por revisar en busca de datos personales no puede ser "
                                         "público hasta que la revisión termine.")))
    prefix = "Recurso"
    for f in schema.get("resource_fields", []):
        name = f["field_name"]
        if name in SKIP_RESOURCE_FIELDS:
            continue
        choices = _choices(f)
        if name == "format":
            from ckanext.sach import vocab

            choices = [(str(c["value"]), str(c["value"])) for c in vocab.choices("formats")]
        required = bool(f.get("required"))
        cols.append(Column(f"resource.{name}", f"{prefix}: {es(f.get('label')) or name}", level="resource",
                           field=name, required=required, choices=choices, strict=name != "format",
                           help=_help(f, False, bool(choices), required)))
    return cols


def fingerprint(cols: list[Column]) -> str:
    """Identifies the template version: changes whenever the schema's columns change."""
    return hashlib.sha1("|".join(c.key for c in cols).encode(), usedforsecurity=False).hexdigest()[:12]
