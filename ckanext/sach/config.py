"""Typed getters for the options in config_declaration.yaml (one per option)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def municipality_name() -> str:
    return tk.config["ckanext.sach.municipality.name"]


def municipality_inegi_key() -> str:
    return tk.config["ckanext.sach.municipality.inegi_key"]


def contact_email() -> str:
    return tk.config["ckanext.sach.contact_email"]


def contact_phone() -> str:
    return tk.config["ckanext.sach.contact_phone"]


def homepage() -> str:
    return tk.config["ckanext.sach.homepage"]


def contact_address() -> str:
    return tk.config["ckanext.sach.contact_address"]


def home_cache_seconds() -> int:
    return tk.config["ckanext.sach.home.cache_seconds"]


def home_featured_datasets() -> list[str]:
    return tk.config["ckanext.sach.home.featured_datasets"]


def requests_rate_limit() -> int:
    return tk.config["ckanext.sach.requests.rate_limit"]


def requests_rate_window() -> int:
    return tk.config["ckanext.sach.requests.rate_window"]


def pnt_url() -> str:
    return tk.config["ckanext.sach.pnt_url"]
