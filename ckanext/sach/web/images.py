"""Images that officers link (logos of dependencias and temas) are shown only when the portal
itself serves them. An image from another site would tell that site who reads the catalogue and
when (the visitor's address, the page); the page's Content-Security-Policy allows images from the
site only (``img-src 'self' data:``), and these helpers drop the rest before they reach a page."""
from __future__ import annotations

from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

__all__ = ["sach_own_image"]


def is_own_url(url: str, site_url: str | None = None) -> bool:
    """Whether ``url`` is served by this site: a relative path, or an absolute URL on the site's
    own scheme and host."""
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return not url.strip().startswith("//")
    site = urlsplit(site_url if site_url is not None else tk.config.get("ckan.site_url") or "")
    return (parts.scheme, parts.netloc.lower()) == (site.scheme, site.netloc.lower())


def sach_own_image(url: str | None) -> str:
    """``url`` when this site serves it, else an empty string (the template then shows no image)."""
    if not url or not is_own_url(str(url)):
        return ""
    return str(url)
