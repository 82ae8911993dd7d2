"""Dates and times of the site, in one place.

Two kinds of values are shown on the site and they are never mixed:

- **Calendar dates** written by a publisher or officer (``modified``, ``issued``,
  temporal coverage, a card's date, a plan's target date): ``YYYY``,
  ``YYYY-MM``, ``YYYY-MM-DD`` or a date-time. They name a day and are shown as
  written: ``2025-03-01`` and ``2025-03-01T00:00:00`` are 1 March everywhere,
  the same day the validators and the quality score read
  (:func:`calendar_date`, :func:`format_date`).
- **Timestamps** the system records (CKAN's ``metadata_modified``, when a
  request was received or a review recorded): naive values are UTC, as CKAN
  stores them, and are shown in the site's time zone ``ckan.display_timezone``
  (:func:`localize`, :func:`format_datetime`).

"Today" is the date in the site's time zone (:func:`today`): what the
not-in-the-future check, the freshness of a dataset and a citation's date of
consultation use.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

import ckan.plugins.toolkit as tk

__all__ = [
    "calendar_date",
    "format_date",
    "format_datetime",
    "localize",
    "now",
    "site_timezone",
    "today",
]

_YEAR_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d")


def site_timezone() -> dt.tzinfo:
    """The zone of ``ckan.display_timezone`` (``server``: the machine's own zone;
    an unknown name: UTC, never an error on a page)."""
    name = tk.config.get("ckan.display_timezone") or "UTC"
    if name == "server":
        return dt.datetime.now().astimezone().tzinfo or dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def now() -> dt.datetime:
    """The current moment in the site's time zone (aware)."""
    return dt.datetime.now(site_timezone())


def today() -> dt.date:
    """Today in the site's time zone."""
    return now().date()


def localize(moment: dt.datetime) -> dt.datetime:
    """A timestamp in the site's time zone; a naive one is UTC (as CKAN stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(site_timezone())


def _parse_timestamp(value: Any) -> dt.datetime | None:
    """A ``datetime`` or an ISO string with a time; ``None`` for anything else
    (a date alone is a calendar date, never shifted)."""
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    if not _TIMESTAMP_RE.match(text):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def calendar_date(value: Any) -> dt.date | None:
    """The day a calendar value names, as written: a ``date``, ``YYYY-MM-DD`` or a
    date-time (its own date, whatever its time or offset). ``None`` when it names
    no single day."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _lang(lang: str | None) -> str:
    if lang is None:
        try:
            lang = tk.h.lang() or "es"
        except (AttributeError, RuntimeError, TypeError):  # outside a request
            lang = "es"
    return "en" if lang.startswith("en") else "es"


def format_date(value: Any, lang: str | None = None) -> str:
    """A calendar value in words, in the page language, exactly as written:
    ``2025-01-15`` → "15 de enero de 2025", ``2024-07`` → "julio de 2024",
    ``2024`` → "2024"; anything else is returned as given."""
    if value is None or value == "":
        return ""
    lang = _lang(lang)
    day = calendar_date(value)
    if day is not None:
        return babel_format_date(day, "long", locale=lang)
    text = str(value).strip()
    if len(text) == 4 and text.isdigit():
        return text
    if _YEAR_MONTH_RE.match(text):
        try:
            first = dt.date.fromisoformat(text + "-01")
        except ValueError:
            return text
        return babel_format_date(first, "MMMM 'de' y" if lang == "es" else "MMMM y", locale=lang)
    return text


def format_datetime(value: Any, with_hours: bool = False, lang: str | None = None) -> str:
    """A timestamp (``datetime`` or ISO string; naive is UTC) as the date, and with
    ``with_hours`` the time, it was in the site's time zone, in the page language.
    A date without a time is a calendar date (:func:`format_date`, no shift)."""
    if value is None or value == "":
        return ""
    moment = _parse_timestamp(value)
    if moment is None:
        return format_date(value, lang)
    lang = _lang(lang)
    local = localize(moment)
    if with_hours:
        pattern = "d 'de' MMMM 'de' y, HH:mm" if lang == "es" else "d MMMM y, HH:mm"
        return babel_format_datetime(local, pattern, locale=lang)
    return babel_format_date(local.date(), "long", locale=lang)
