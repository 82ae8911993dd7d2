"""Blueprints of ckanext-sach: the home page and the Gobierno Abierto microsite.

Other areas may add a module to ``registry.VIEW_MODULES`` instead of editing
this list.
"""
from __future__ import annotations

from typing import Any


def get_blueprints() -> list[Any]:
    from ckanext.sach.views import home, microsite

    return [home.blueprint, microsite.blueprint]
