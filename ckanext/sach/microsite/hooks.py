"""Search and life-cycle hooks of the microsite, called from ``ckanext.sach.hooks``."""
from __future__ import annotations

import re
from typing import Any

_TYPE_RE = re.compile(r"(^|[\s+(])(dataset_type|type):")


def default_dataset_type(search_params: dict[str, Any]) -> dict[str, Any]:
    """A search that does not ask for a dataset type gets only ``dataset``.

    The microsite content types (informacion_util, plan_publicacion, ...) are
    packages too; without this, organization and group pages, the API and any
    catalogue export would list them with the datasets.
    """
    parts = [search_params.get("q") or "", search_params.get("fq") or ""]
    parts.extend(search_params.get("fq_list") or [])
    if any(_TYPE_RE.search(str(part)) for part in parts):
        return search_params
    search_params["fq"] = ((search_params.get("fq") or "") + " +dataset_type:dataset").strip()
    return search_params


def after_dataset_change(event: str, context: Any, pkg_dict: dict[str, Any]) -> None:
    from ckanext.sach.microsite import content

    content.invalidate()
