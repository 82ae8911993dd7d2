"""Quality, openness and freshness of a dataset: pure functions over a dataset dict.

Nothing here queries the database or the search index: every function takes
the dataset dict (as ``package_show`` returns it, or the validated dict CKAN
indexes) and, for freshness, the date to compare with.

Completeness
    The Guía de Implementación de la Política de Datos Abiertos (2015) marks
    these dataset elements as required: identifier, title, description,
    modified, contactPoint (name), mbox (e-mail), landingPage (documentation or
    data dictionary URL) and accrualPeriodicity; and for each distribution:
    title, downloadURL and mediaType. Each is one check; a dataset with no
    distribution fails the distribution check. The score is the percentage of
    checks passed (integer, 0–100).

Openness
    Stars by format, from vocabulary ``formats`` (ADELA: xls/xlsx 2; csv, tsv,
    json, shp, kml, kmz, xml 3; rdf 4; anything else 1). A dataset's stars are
    the best of its data resources (resources whose role is not documentation
    or data dictionary); 0 when it has none.

Freshness (``current`` / ``due`` / ``overdue``)
    ``D = modified + period`` of the declared frequency (calendar months and
    years; the 31st plus one month is the last day of the next month). The
    grace is a quarter of the period's nominal length in days (day 1, week 7,
    month 30, year 365), at least one day: 1 day for daily and weekly, 3 for
    fortnightly, 7 for monthly, 15 bimonthly, 22 quarterly, 30 every four
    months, 45 half-yearly, 91 yearly, 182 every two years, 456 every five,
    912 every ten. Then, with ``today`` the date in the site's time zone:
    ``today <= D`` → current; ``D < today <= D + grace`` → due;
    ``today > D + grace`` → overdue. ``irregular`` and ``tiempo-real`` have no
    period: ``not_applicable``. A missing or unreadable date or frequency gives
    ``unknown``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from typing import Any

import yaml

from ckanext.sach import dates

__all__ = [
    "FRESHNESS_STATES",
    "completeness",
    "due_dates",
    "freshness",
    "has_dictionary",
    "openness",
    "parse_period",
    "resource_stars",
    "summary",
]

FRESHNESS_STATES = ("current", "due", "overdue", "not_applicable", "unknown")
NON_DATA_ROLES = ("data_dictionary", "documentation")
_PERIOD_RE = re.compile(r"^R/P(\d+)([DWMY])$")
_NOMINAL_DAYS = {"D": 1, "W": 7, "M": 30, "Y": 365}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except ValueError:
            return []
        return loaded if isinstance(loaded, list) else []
    return list(value) if isinstance(value, (list, tuple)) else []


def has_dictionary(pkg: dict[str, Any]) -> bool:
    """A data dictionary URL, or a resource whose role is data_dictionary."""
    if _text(pkg.get("data_dictionary_url")):
        return True
    return any(isinstance(r, dict) and r.get("resource_role") == "data_dictionary"
               for r in pkg.get("resources") or [])


def completeness(pkg: dict[str, Any]) -> dict[str, Any]:
    """``{"score": int, "missing": [check names], "passed": n, "total": n}``."""
    contacts = [c for c in _list(pkg.get("contact")) if isinstance(c, dict)]
    checks = {
        "identifier": _text(pkg.get("identifier")) or _text(pkg.get("name")),
        "title": _text(pkg.get("title")),
        "notes": _text(pkg.get("notes")),
        "modified": _text(pkg.get("modified")),
        "contact.name": any(_text(c.get("name")) for c in contacts),
        "contact.email": any(_text(c.get("email")) for c in contacts),
        "landing_page": _text(pkg.get("url")) or has_dictionary(pkg)
        or any(_text(u) for u in _list(pkg.get("documentation"))),
        "frequency": _text(pkg.get("frequency")),
    }
    resources = [r for r in pkg.get("resources") or [] if isinstance(r, dict)]
    checks["resources"] = bool(resources)
    for i, res in enumerate(resources, start=1):
        checks[f"resources[{i}].name"] = _text(res.get("name"))
        checks[f"resources[{i}].url"] = _text(res.get("url"))
        checks[f"resources[{i}].format"] = _text(res.get("format")) or _text(res.get("mimetype"))
    passed = sum(1 for ok in checks.values() if ok)
    return {
        "score": round(100 * passed / len(checks)),
        "missing": [name for name, ok in checks.items() if not ok],
        "passed": passed,
        "total": len(checks),
    }


def resource_stars(res: dict[str, Any]) -> int:
    from ckanext.sach import vocab

    fmt = (res.get("format") or "").strip()
    if not fmt:
        return 1
    item = vocab.get("formats", fmt)
    if item is None:
        wanted = fmt.lower().lstrip(".")
        item = next((i for i in vocab.items("formats")
                     if i["value"].lower() == wanted or wanted in (i.get("extensions") or [])), None)
    return int(item.get("stars") or 1) if item else 1


def openness(pkg: dict[str, Any]) -> dict[str, Any]:
    """``{"stars": best of the data resources, "resources": {id or position: stars}}``."""
    per_resource: dict[str, int] = {}
    best = 0
    for i, res in enumerate(pkg.get("resources") or [], start=1):
        if not isinstance(res, dict):
            continue
        stars = resource_stars(res)
        per_resource[res.get("id") or str(i)] = stars
        if (res.get("resource_role") or "data") not in NON_DATA_ROLES:
            best = max(best, stars)
    return {"stars": best, "resources": per_resource}


def parse_period(frequency: str | None) -> tuple[int, str] | None:
    """``("R/P3M")`` → ``(3, "M")``; None for irregular, real time or unknown values."""
    if not frequency:
        return None
    iso = frequency
    from ckanext.sach import vocab

    try:
        item = vocab.get("frequencies", frequency)
    except (vocab.VocabularyError, OSError, yaml.YAMLError):  # unreadable vocabulary: the value itself
        item = None
    if item is not None:
        iso = item.get("iso8601") or ""
    m = _PERIOD_RE.match(iso or "")
    return (int(m.group(1)), m.group(2)) if m else None


def _add(date: dt.date, n: int, unit: str) -> dt.date:
    if unit == "D":
        return date + dt.timedelta(days=n)
    if unit == "W":
        return date + dt.timedelta(weeks=n)
    months = n if unit == "M" else 12 * n
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def _parse_date(value: Any) -> dt.date | None:
    """The day ``modified`` names, as written (``YYYY-MM`` and ``YYYY``: its first day)."""
    day = dates.calendar_date(value)
    if day is not None or not isinstance(value, str) or not value.strip():
        return day
    text = value.strip()
    for fmt, size in (("%Y-%m", 7), ("%Y", 4)):
        try:
            return dt.datetime.strptime(text[:size], fmt).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
    return None


def due_dates(modified: Any, frequency: str | None) -> tuple[dt.date, dt.date] | None:
    """``(due, overdue_after)`` for a dated dataset with a periodic frequency."""
    period = parse_period(frequency)
    date = _parse_date(modified)
    if period is None or date is None:
        return None
    n, unit = period
    due = _add(date, n, unit)
    grace = max(1, (n * _NOMINAL_DAYS[unit]) // 4)
    return due, due + dt.timedelta(days=grace)


def freshness(modified: Any, frequency: str | None, today: dt.date) -> str:
    if frequency in ("irregular", "tiempo-real"):
        return "not_applicable"
    dates = due_dates(modified, frequency)
    if dates is None:
        return "unknown"
    due, limit = dates
    if today <= due:
        return "current"
    if today <= limit:
        return "due"
    return "overdue"


def summary(pkg: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Everything the page, the index and the report show for one dataset."""
    comp = completeness(pkg)
    opn = openness(pkg)
    dates = due_dates(pkg.get("modified"), pkg.get("frequency"))
    return {
        "completeness": comp["score"],
        "missing": comp["missing"],
        "openness_stars": opn["stars"],
        "resource_stars": opn["resources"],
        "has_dictionary": has_dictionary(pkg),
        "freshness": freshness(pkg.get("modified"), pkg.get("frequency"), today),
        "due": dates[0].isoformat() if dates else None,
        "overdue_after": dates[1].isoformat() if dates else None,
    }
