"""Validators of the microsite content types (schemas/microsite/*.yaml)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

__all__ = [
    "sach_microsite_dataset_names",
    "sach_microsite_http_url",
    "sach_microsite_plan_reason",
]


def sach_microsite_dataset_names(value: Any, context: Context) -> Any:
    """Names of catalogue datasets separated by spaces or commas; each must be
    an existing dataset of type ``dataset``. Stored as one space-separated string."""
    if value is tk.missing or value is None:
        return value
    names = [str(v).strip() for v in value] if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    names = [n for n in names if n]
    unknown = []
    for name in names:
        pkg = model.Package.get(name)
        if pkg is None or pkg.type != "dataset" or pkg.state == "deleted":
            unknown.append(name)
    if unknown:
        raise tk.Invalid(
            tk._("Conjuntos de datos no encontrados: {names}").format(names=", ".join(unknown))
        )
    return " ".join(dict.fromkeys(names))


def sach_microsite_http_url(value: Any, context: Context) -> Any:
    """An absolute http(s) URL, or a path on this site starting with ``/``."""
    if not value or value is tk.missing:
        return value
    value = str(value).strip()
    parsed = urlparse(value)
    if value.startswith("/") and not value.startswith("//"):
        return value
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return value
    raise tk.Invalid(tk._("Escriba una URL que empiece con http:// o https://"))


def sach_microsite_plan_reason(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """The reason is required when the planned dataset is not publishable."""
    value = data.get(key)
    text = value.strip() if isinstance(value, str) else ""
    status = data.get(("plan_status",))
    if status == "no_publicable" and not text:
        errors[key].append(tk._("Explique por qué no es publicable"))
    data[key] = text
