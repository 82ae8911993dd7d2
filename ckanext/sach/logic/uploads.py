"""Files sent where CKAN cannot take them.

``package_create`` stores no file given inside ``resources`` (only ``package_update``
and ``resource_create``/``resource_update`` do), and a multipart API request whose
fields are flattened (``resources__0__upload``) is not unflattened by the API. CKAN
answers both with a 500 (it tries to write the file object into JSON); this check
answers 409 with what to do instead.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import ErrorDict


def _message() -> str:
    return tk._("Los archivos se suben recurso por recurso: cree el conjunto de datos y luego agregue "
                "cada archivo con resource_create (campo «upload») o desde el formulario web.")


def _is_file(value: Any) -> bool:
    return hasattr(value, "stream") and hasattr(value, "filename")


def check(action: str, data_dict: dict[str, Any]) -> None:
    errors: ErrorDict = {}
    for key, value in data_dict.items():
        if _is_file(value):
            errors[key] = [_message()]
    if action == "package_create":
        for resource in data_dict.get("resources") or []:
            if isinstance(resource, dict) and any(_is_file(v) for v in resource.values()):
                errors["resources"] = [_message()]
                break
    if errors:
        raise tk.ValidationError(errors)
