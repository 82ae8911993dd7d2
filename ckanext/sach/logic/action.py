"""action of ckanext-sach."""
from __future__ import annotations

__all__: list[str] = []
