"""Namespaces, authority tables and the URIs the site mints for its own concepts."""
from __future__ import annotations

import functools
import os
from typing import Any
from urllib.parse import quote, unquote

import yaml
from rdflib import Namespace

from ckanext.dcat.utils import catalog_uri

AUTH = "http://publications.europa.eu/resource/authority/"
AUTH_FILE_TYPE = AUTH + "file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
# Terms with no DCAT-AP equivalent (personal-data status, resource role, place kind).
SACH = Namespace("https://sach.gob.mx/ns/datos#")

EXTRA_NAMESPACES = {"eli": ELI, "dqv": DQV, "oa": OA, "sach": SACH}


def _base() -> str:
    return catalog_uri().rstrip("/")


def _local(uri: str, prefix: str) -> str | None:
    if uri.startswith(prefix) and "/" not in uri[len(prefix):]:
        return unquote(uri[len(prefix):])
    return None


def place_uri(value: str) -> str:
    return f"{_base()}/place/{quote(value, safe='')}"


def place_from_uri(uri: str) -> str | None:
    return _local(uri, _base() + "/place/")


def sector_scheme_uri() -> str:
    return f"{_base()}/sector"


def sector_uri(value: str) -> str:
    return f"{_base()}/sector/{quote(value, safe='')}"


def sector_from_uri(uri: str) -> str | None:
    return _local(uri, _base() + "/sector/")


def theme_scheme_uri() -> str:
    return f"{_base()}/group"


def theme_uri(name: str) -> str:
    return f"{_base()}/group/{quote(name, safe='')}"


def theme_from_uri(uri: str) -> str | None:
    return _local(uri, _base() + "/group/")


def legislation_uri(value: str) -> str:
    return f"{_base()}/legislation/{quote(value, safe='')}"


def language_uri(code: str) -> str:
    from ckanext.sach import vocab

    item = vocab.get("languages", code) or {}
    return item.get("eu_uri") or AUTH + "language/MUL"


def licence_uri(dataset_dict: dict[str, Any]) -> str | None:
    url = dataset_dict.get("license_url")
    if url and url.startswith(("http://", "https://")):
        return url
    return None


@functools.lru_cache(maxsize=1)
def _formats() -> dict[str, dict[str, str]]:
    with open(os.path.join(os.path.dirname(__file__), "formats.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def format_entry(label: str | None) -> dict[str, str] | None:
    if not label:
        return None
    return _formats().get(label.strip().upper().lstrip("."))


def format_label(eu_code: str) -> str | None:
    """The site's format label (spelling of the ``formats`` vocabulary) of an EU file type."""
    from ckanext.sach import vocab

    for label, entry in _formats().items():
        if entry["eu"] == eu_code:
            for item in vocab.items("formats"):
                if str(item["value"]).upper() == label:
                    return item["value"]
            return label
    return None


def media_type(mimetype: str | None, label: str | None) -> str | None:
    """IANA media type of a resource: its own when it looks like one, else from the format."""
    if mimetype:
        value = mimetype.strip()
        if value.startswith(IANA):
            value = value[len(IANA):]
        if "/" in value and not value.startswith("http"):
            return value
    entry = format_entry(label)
    if entry:
        return entry.get("iana")
    return _guess_media_type(label)


@functools.lru_cache(maxsize=512)
def _guess_media_type(label: str | None) -> str | None:
    """A registered media type for a format label not in formats.yaml: the site's
    format vocabulary first, then the extension table of Python's ``mimetypes``
    (unregistered ``x-`` types are not IANA media types and are left out)."""
    if not label or not label.strip():
        return None
    from ckanext.sach import vocab

    wanted = label.strip().lstrip(".").upper()
    for item in vocab.items("formats"):
        if str(item.get("value", "")).upper() == wanted and item.get("mimetype"):
            return item["mimetype"]
    import mimetypes

    guess, _ = mimetypes.guess_type("file." + wanted.lower(), strict=True)
    if guess and "/x-" not in guess and "/" in guess:
        return guess
    return None


def eu_theme_uris(sector: dict[str, Any] | None) -> list[str]:
    if not sector:
        return []
    uris = list(sector.get("eu_theme_uris") or [])
    if sector.get("eu_theme_uri") and sector["eu_theme_uri"] not in uris:
        uris.insert(0, sector["eu_theme_uri"])
    return uris
