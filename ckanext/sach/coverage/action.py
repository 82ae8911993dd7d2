"""``sach_obligation_coverage``: the coverage figures as JSON (public)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from . import coverage

__all__ = ["sach_obligation_coverage"]


@tk.side_effect_free
def sach_obligation_coverage(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Which LGTAIP obligations have published open data, by dependencia.

    :param version: numbering version of vocabulary ``obligation_versions``
        (default: the latest non-provisional one, ``lgtaip-2015``)
    :returns: totals, one row per obligation (datasets, dependencias) and one
        row per dependencia (obligations covered, percent)
    """
    tk.check_access("sach_obligation_coverage", context, data_dict)
    version = data_dict.get("version")
    if version is not None and not isinstance(version, str):
        raise tk.ValidationError({"version": [tk._("Versión de obligaciones desconocida.")]})
    return coverage(version or None)
