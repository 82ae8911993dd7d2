"""PostgreSQL search backend for CKAN (plugin `sach_pgsearch`)."""
from __future__ import annotations


def install() -> None:
    """Route ckan.lib.search to PostgreSQL. Implemented by the search backend."""
