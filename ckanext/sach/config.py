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
