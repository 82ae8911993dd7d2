"""Typed getters of the ``ckanext.sach.bulk.*`` options (config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def max_rows() -> int:
    return tk.config["ckanext.sach.bulk.max_rows"]


def max_file_size() -> int:
    return tk.config["ckanext.sach.bulk.max_file_size"]


def sync_max_datasets() -> int:
    return tk.config["ckanext.sach.bulk.sync_max_datasets"]


def job_ttl() -> int:
    return tk.config["ckanext.sach.bulk.job_ttl"]
