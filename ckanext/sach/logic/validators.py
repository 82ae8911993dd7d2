"""Validators of the San Andrés Cholula schemas (dataset, resource, dependencia).

Every message is Spanish (through ``tk._``) because officers read them in the forms.

``sach_required`` and ``sach_vocab`` look like ckanext-scheming's ``scheming_required`` and
``scheming_choices`` with other messages, and are kept on purpose: scheming's messages are CKAN's
English msgids (``Missing value``, ``unexpected choice "%s"``), which this extension's catalogue
can word in Spanish only inside a request. Validation also runs outside one (``ckan sach``
commands, direct action calls, the spreadsheet loader when no request is open): there CKAN's
gettext answers the msgid, and a dry run reported "Fila 5, columna Título: Missing value". Their own checks differ too:
``sach_required`` refuses a value of only spaces (CKAN's ``not_empty`` accepts ``"   "``) and
``sach_vocab`` trims the value and names the field in its message.
Validators whose name is in ``__all__`` are registered with CKAN (and so usable in scheming
YAML). Those decorated with ``scheming_validator`` receive the scheming field first.
"""
from __future__ import annotations

import calendar
import datetime
import json
import re
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from ckanext.scheming.validation import scheming_validator

from ckanext.sach import dates, vocab

__all__ = [
    "sach_dataset_checks",
    "sach_email",
    "sach_http_url",
    "sach_image_url",
    "sach_iso_date",
    "sach_license",
    "sach_mimetype",
    "sach_not_future",
    "sach_phone",
    "sach_place",
    "sach_required",
    "sach_resource_url",
    "sach_size",
    "sach_slug",
    "sach_url_list",
    "sach_vocab",
    "sach_vocab_multiple",
]

Invalid = tk.Invalid
StopOnError = tk.StopOnError

_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")
_PHONE_RE = re.compile(r"^\+?[0-9 ()./-]+(?:\s*(?:ext\.?|extensión|x)\s*[0-9]{1,6})?$", re.I)
_MIMETYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", re.I)
_INEGI_RE = re.compile(r"^[0-9]+$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def _empty(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip()) \
        or value in ([], {})


def _required_message() -> str:
    return tk._("Este campo es obligatorio.")


def _field_label(field: dict[str, Any] | None) -> str:
    if not field:
        return ""
    label = field.get("label") or field.get("field_name", "")
    if isinstance(label, dict):
        return label.get("es") or next(iter(label.values()), "")
    return str(label)


# --------------------------------------------------------------------------- required


@scheming_validator
def sach_required(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Spanish ``not_empty`` when the field has ``required: true``; else ``ignore_missing``.
    A value of only spaces is missing (see the module docstring for why not ``scheming_required``)."""

    if not field.get("required"):
        return tk.get_validator("ignore_missing")

    def validator(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
        if _empty(data.get(key)):
            errors[key].append(_required_message())
            raise StopOnError

    return validator


# --------------------------------------------------------------------------- vocabularies


@scheming_validator
def sach_vocab(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """The value must belong to the vocabulary named by the field's ``vocab`` key."""
    name = field["vocab"]

    def validator(value: Any) -> Any:
        if _empty(value):
            return value
        value = str(value).strip()
        if vocab.get(name, value) is None:
            raise Invalid(
                tk._("«{value}» no es un valor permitido para «{field}».").format(
                    value=value, field=_field_label(field)
                )
            )
        return value

    return validator


def _as_list(value: Any) -> list[Any] | None:
    if _empty(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                loaded = json.loads(text)
            except ValueError:
                return None
            return loaded if isinstance(loaded, list) else None
        return [text]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


@scheming_validator
def sach_vocab_multiple(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Zero or more values of the field's ``vocab``; stored as a JSON list in vocabulary order.

    A field ``default`` (list) is used when nothing is sent; ``required`` needs one value.
    """
    name = field["vocab"]

    def validator(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
        if errors[key]:
            return
        value = data.get(key, missing)
        if _empty(value) and field.get("default") and value is missing:
            value = list(field["default"])
        values = _as_list(value)
        if values is None:
            errors[key].append(tk._("Se esperaba una lista de valores."))
            raise StopOnError
        values = [str(v).strip() for v in values if not _empty(v)]
        unknown = [v for v in values if vocab.get(name, v) is None]
        for v in unknown:
            errors[key].append(
                tk._("«{value}» no es un valor permitido para «{field}».").format(
                    value=v, field=_field_label(field)
                )
            )
        if unknown:
            raise StopOnError
        if field.get("required") and not values:
            errors[key].append(tk._("Seleccione al menos una opción."))
            raise StopOnError
        selected = set(values)
        data[key] = json.dumps([v for v in vocab.values(name) if v in selected])

    return validator


# --------------------------------------------------------------------------- dates


def parse_iso_date(value: str) -> tuple[datetime.date, datetime.date] | None:
    """First and last day of an ISO 8601 date, year-month, year or date-time; None if invalid."""
    value = value.strip()
    m = _DATE_RE.match(value)
    try:
        if m:
            year = int(m.group(1))
            if m.group(3):
                d = datetime.date(year, int(m.group(2)), int(m.group(3)))
                return d, d
            if m.group(2):
                month = int(m.group(2))
                last = calendar.monthrange(year, month)[1]
                return datetime.date(year, month, 1), datetime.date(year, month, last)
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if _DATETIME_RE.match(value):
            d = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            return d, d
    except ValueError:
        return None
    return None


def sach_iso_date(value: Any) -> Any:
    """ISO 8601 date: ``AAAA``, ``AAAA-MM``, ``AAAA-MM-DD`` (or a date-time)."""
    if _empty(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str) or parse_iso_date(value) is None:
        raise Invalid(
            tk._("Fecha no válida: use el formato ISO 8601 AAAA-MM-DD (o AAAA, AAAA-MM).")
        )
    return value.strip()


def sach_not_future(value: Any) -> Any:
    """The date (already ISO) must not be after today in the site's time zone."""
    if _empty(value):
        return value
    bounds = parse_iso_date(str(value))
    if bounds and bounds[0] > dates.today():
        raise Invalid(tk._("La fecha de actualización no puede ser posterior a hoy."))
    return value


# --------------------------------------------------------------------------- URLs, e-mail, phone


def is_http_url(value: str) -> bool:
    try:
        parsed = urlparse(value.strip())
    except ValueError:
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in value.strip()


def _url_message() -> str:
    return tk._("URL no válida: debe comenzar con http:// o https:// y no contener espacios.")


def sach_http_url(value: Any) -> Any:
    """Only http:// and https:// URLs (no javascript:, ftp:, file:, …)."""
    if _empty(value):
        return value
    if not isinstance(value, str) or not is_http_url(value):
        raise Invalid(_url_message())
    return value.strip()


def sach_url_list(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
    """A list of http(s) URLs, stored as a JSON list (empty entries dropped)."""
    values = _as_list(data.get(key, missing))
    if values is None:
        errors[key].append(tk._("Se esperaba una lista de valores."))
        raise StopOnError
    values = [str(v).strip() for v in values if not _empty(v)]
    bad = [v for v in values if not is_http_url(v)]
    if bad:
        errors[key].append(_url_message() + " (" + ", ".join(bad) + ")")
        raise StopOnError
    if not values:
        data.pop(key, None)
        raise StopOnError
    data[key] = json.dumps(values)


def sach_email(value: Any) -> Any:
    if _empty(value):
        return value
    if not isinstance(value, str) or not _EMAIL_RE.match(value.strip()):
        raise Invalid(tk._("Correo electrónico no válido (p. ej. nombre@sach.gob.mx)."))
    return value.strip()


def sach_phone(value: Any) -> Any:
    if _empty(value):
        return value
    text = str(value).strip()
    digits = re.sub(r"\D", "", text.split("ext")[0].split("x")[0])
    if not _PHONE_RE.match(text) or not 7 <= len(digits) <= 15:
        raise Invalid(
            tk._("Teléfono no válido: escriba de 7 a 15 dígitos (p. ej. 222 000 0000).")
        )
    return text


def sach_slug(value: Any) -> Any:
    """URL names: lowercase ASCII letters, digits, ``-`` and ``_``; 2–100 characters."""
    if _empty(value):
        return value
    text = str(value)
    if not (2 <= len(text) <= 100) or not _SLUG_RE.match(text):
        raise Invalid(
            tk._(
                "La URL sólo puede tener minúsculas sin acentos, números, guiones (-) y guiones "
                "bajos (_), de 2 a 100 caracteres, y no puede empezar ni terminar con guion."
            )
        )
    return text


# --------------------------------------------------------------------------- places (INEGI)


def sach_place(value: Any) -> Any:
    """A place of vocab ``places``: the municipality's INEGI key or a junta/inspectoría slug."""
    if _empty(value):
        return value
    text = str(value).strip()
    if _INEGI_RE.match(text):
        if len(text) not in (2, 5, 9):
            raise Invalid(
                tk._("Clave INEGI no válida: debe tener 2 (estado), 5 (municipio) o 9 (localidad) dígitos.")
            )
        if vocab.get("places", text) is None:
            raise Invalid(
                tk._("La clave INEGI {key} no corresponde al municipio de San Andrés Cholula (21119).").format(
                    key=text
                )
            )
        return text
    if vocab.get("places", text) is None:
        raise Invalid(
            tk._("«{value}» no es un lugar del municipio (municipio, junta auxiliar o inspectoría).").format(
                value=text
            )
        )
    return text


# --------------------------------------------------------------------------- licence


def sach_license(value: Any) -> Any:
    if _empty(value):
        return value
    from ckan import model

    if value not in model.Package.get_license_register():
        raise Invalid(tk._("Licencia desconocida: «{value}».").format(value=value))
    return value


# --------------------------------------------------------------------------- resources


def sach_resource_url(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
    """A resource needs a URL or an uploaded file; links must be http(s)."""
    value = data.get(key)
    url_type = data.get((*key[:-1], "url_type"))
    if _empty(value):
        errors[key].append(tk._("Indique una URL o suba un archivo."))
        raise StopOnError
    if url_type == "upload":
        return
    if not is_http_url(str(value)):
        errors[key].append(_url_message())
        raise StopOnError


def sach_image_url(value: Any) -> Any:
    """An uploaded image (file name) or an http(s) link."""
    if _empty(value):
        return value
    text = str(value).strip()
    if ":" in text.split("/")[0] and not is_http_url(text):
        raise Invalid(_url_message())
    return text


def mimetype_for_format(fmt: Any) -> str | None:
    if _empty(fmt):
        return None
    wanted = str(fmt).strip().lower().lstrip(".")
    for item in vocab.items("formats"):
        if item["value"].lower() == wanted or wanted in item.get("extensions", []):
            return item.get("mimetype")
    return None


def sach_mimetype(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
    """IANA media type; derived from the resource format when empty."""
    value = data.get(key)
    if _empty(value):
        derived = mimetype_for_format(data.get((*key[:-1], "format")))
        data[key] = derived or None  # not `missing`: a format with no known media type leaves it empty
        return
    if not _MIMETYPE_RE.match(str(value).strip()):
        errors[key].append(tk._("Tipo de medio no válido (p. ej. text/csv)."))
        raise StopOnError
    data[key] = str(value).strip()


def _whole_number(value: Any) -> int | None:
    """``value`` as a whole number (``3``, ``"3"``, ``3.0``); None for anything else (``True``, ``3.5``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def sach_size(value: Any) -> Any:
    if _empty(value):
        return None
    number = _whole_number(value)
    if number is None or number < 0:
        raise Invalid(tk._("El tamaño debe ser un número entero de bytes (0 o más)."))
    return number


# --------------------------------------------------------------------------- whole dataset


def _indexes(data: dict[Any, Any], field: str) -> list[int]:
    return sorted({k[1] for k in data if len(k) == 3 and k[0] == field})


def _add_error(errors: dict[Any, Any], key: tuple[Any, ...], message: str) -> None:
    errors.setdefault(key, [])
    if message not in errors[key]:
        errors[key].append(message)


def _add_group_error(data: dict[Any, Any], errors: dict[Any, Any], field: str, subfield: str,
                     message: str) -> None:
    """An error for a repeating field, always on an entry's subfield (the first entry, or entry 0
    when none was sent): errors cannot hold a list and entries under one key, and scheming's
    form expects entries."""
    indexes = _indexes(data, field) or _indexes(errors, field) or [0]
    _add_error(errors, (field, indexes[0], subfield), message)


def _dataset_state(data: dict[Any, Any], context: Any) -> str:
    state = data.get(("state",))
    if _empty(state):
        pkg = context.get("package")
        state = getattr(pkg, "state", None) or "active"
    return str(state)


def _is_private(data: dict[Any, Any], context: Any) -> bool:
    private = data.get(("private",))
    if private is missing or private is None:
        pkg = context.get("package")
        return bool(getattr(pkg, "private", False))
    if isinstance(private, str):
        return private.strip().lower() in ("true", "1", "yes", "on")
    return bool(private)


def has_data_dictionary(data: dict[Any, Any], context: Any) -> bool:
    """True when the dataset names a dictionary URL or one of its resources is the dictionary.

    ``package_update`` validates only the resources that changed; the others are read from the
    database (a resource being removed in the same call is still counted: lenient, not blocking).
    """
    if not _empty(data.get(("data_dictionary_url",))):
        return True
    seen_ids = set()
    for i in _indexes(data, "resources"):
        if data.get(("resources", i, "resource_role")) == "data_dictionary":
            return True
        if data.get(("resources", i, "id")):
            seen_ids.add(data[("resources", i, "id")])
    pkg = context.get("package")
    if pkg is not None and getattr(pkg, "id", None):
        for res in pkg.resources:
            if res.id not in seen_ids and (res.extras or {}).get("resource_role") == "data_dictionary":
                return True
    return False


@scheming_validator
def sach_dataset_checks(field: Any, schema: dict[str, Any]) -> Any:
    """Checks across fields, run after the field validators (scheming ``after_validators``):

    - at least one contact point and one place of spatial coverage;
    - place labels filled from the vocabulary;
    - temporal coverage: start not after end;
    - personal data other than ``no`` needs a legal basis;
    - a published (active, public) dataset needs a data dictionary.
    """

    def validator(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
        contacts = [
            i for i in _indexes(data, "contact")
            if not (_empty(data.get(("contact", i, "name"))) and _empty(data.get(("contact", i, "email"))))
        ]
        if not contacts:
            _add_group_error(data, errors, "contact", "name",
                             tk._("Indique al menos un punto de contacto (nombre y correo electrónico)."))

        places = [i for i in _indexes(data, "spatial_coverage")
                  if not _empty(data.get(("spatial_coverage", i, "place")))]
        if not places:
            _add_group_error(data, errors, "spatial_coverage", "place",
                             tk._("Indique la cobertura geográfica (municipio, junta auxiliar o inspectoría)."))
        for i in places:
            place = data.get(("spatial_coverage", i, "place"))
            text_key = ("spatial_coverage", i, "text")
            if _empty(data.get(text_key)) and vocab.get("places", place):
                data[text_key] = vocab.label("places", place, "es")

        for i in _indexes(data, "temporal_coverage"):
            start = data.get(("temporal_coverage", i, "start"))
            end = data.get(("temporal_coverage", i, "end"))
            if _empty(start) or _empty(end):
                continue
            s, e = parse_iso_date(str(start)), parse_iso_date(str(end))
            if s and e and s[0] > e[1]:
                _add_error(errors, ("temporal_coverage", i, "end"),
                           tk._("La fecha de inicio no puede ser posterior a la fecha de fin."))

        personal = data.get(("personal_data",))
        item = vocab.get("personal_data", personal) if not _empty(personal) else None
        if item and item.get("requires_legal_basis") and _empty(data.get(("personal_data_legal_basis",))):
            _add_error(errors, ("personal_data_legal_basis",),
                       tk._("Indique el fundamento legal para publicar los datos personales "
                            "o el método con que se anonimizaron."))

        published = _dataset_state(data, context) == "active" and not _is_private(data, context)
        if published and not has_data_dictionary(data, context):
            _add_error(errors, ("data_dictionary_url",),
                       tk._("Todo conjunto publicado necesita un diccionario de datos: agregue "
                            "un recurso de tipo «Diccionario de datos» o indique su URL."))

    return validator
