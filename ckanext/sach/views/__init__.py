"""Blueprints of ckanext-sach."""
from __future__ import annotations

from typing import Any


def get_blueprints() -> list[Any]:
    return []
