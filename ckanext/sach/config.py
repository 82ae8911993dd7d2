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


# DCAT and data.json export


def dcat_catalog_title() -> str:
    return tk.config["ckanext.sach.dcat.catalog_title"] or tk.config.get("ckan.site_title") or ""


def dcat_catalog_description() -> str:
    return tk.config["ckanext.sach.dcat.catalog_description"]


def dcat_catalog_homepage() -> str:
    return tk.config["ckanext.sach.dcat.catalog_homepage"] or (tk.config.get("ckan.site_url") or "").rstrip("/") + "/"


def dcat_catalog_issued() -> str:
    return tk.config["ckanext.sach.dcat.catalog_issued"]


def dcat_catalog_languages() -> list[str]:
    return tk.config["ckanext.sach.dcat.catalog_languages"]


def dcat_catalog_license() -> str:
    return tk.config["ckanext.sach.dcat.catalog_license"]


def dcat_publisher_uri() -> str:
    return tk.config["ckanext.sach.dcat.publisher_uri"] or homepage()


def dcat_publisher_type() -> str:
    return tk.config["ckanext.sach.dcat.publisher_type"]


def dcat_api_service() -> bool:
    return tk.config["ckanext.sach.dcat.api_service"]


def dcat_page_size() -> int:
    return tk.config["ckanext.sach.dcat.page_size"]


def dcat_cache_ttl() -> int:
    return tk.config["ckanext.sach.dcat.cache_ttl"]


def dcat_max_age() -> int:
    return tk.config["ckanext.sach.dcat.max_age"]


def dcat_content_negotiation() -> bool:
    return tk.config["ckanext.sach.dcat.content_negotiation"]


def seed_dependencias_file() -> str:
    return tk.config["ckanext.sach.seed.dependencias_file"]


def seed_themes_file() -> str:
    return tk.config["ckanext.sach.seed.themes_file"]


def temas_editors_assign() -> bool:
    return tk.config["ckanext.sach.temas.editors_assign"]


def privacy_enabled() -> bool:
    return tk.config["ckanext.sach.privacy.enabled"]


def privacy_max_size() -> int:
    return tk.config["ckanext.sach.privacy.max_size"]


def privacy_inline_max_size() -> int:
    return tk.config["ckanext.sach.privacy.inline_max_size"]


def privacy_scan_links() -> bool:
    return tk.config["ckanext.sach.privacy.scan_links"]


def privacy_download_timeout() -> int:
    return tk.config["ckanext.sach.privacy.download_timeout"]


def privacy_unpublish_on_findings() -> bool:
    return tk.config["ckanext.sach.privacy.unpublish_on_findings"]


def privacy_max_samples() -> int:
    return tk.config["ckanext.sach.privacy.max_samples"]


def privacy_reviewer_org() -> str:
    return tk.config["ckanext.sach.privacy.reviewer_org"]


def privacy_reviewer_role() -> str:
    return tk.config["ckanext.sach.privacy.reviewer_role"]


def privacy_max_seconds() -> int:
    return tk.config["ckanext.sach.privacy.max_seconds"]


def privacy_max_depth() -> int:
    return tk.config["ckanext.sach.privacy.max_depth"]


def privacy_max_ratio() -> int:
    return tk.config["ckanext.sach.privacy.max_ratio"]


# ---- served site (ckanext.sach.web)
def trusted_proxies() -> int:
    return max(0, tk.config.get("ckanext.sach.trusted_proxies") or 0)


def gzip_min_size() -> int:
    return max(0, tk.config.get("ckanext.sach.gzip_min_size") or 0)


def content_security_policy() -> str:
    return (tk.config.get("ckanext.sach.content_security_policy") or "").strip()


def groups_reindex_inline_max() -> int:
    return tk.config["ckanext.sach.groups.reindex_inline_max"]


def sitemap_page_size() -> int:
    return min(max(1, tk.config["ckanext.sach.sitemap.page_size"]), 50000)
