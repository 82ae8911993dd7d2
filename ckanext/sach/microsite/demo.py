"""Demo content of the microsite: ``ckan sach demo-microsite`` (idempotent).

The content is data: ``ckanext/sach/demo/microsite.yaml`` (checked when read: a clear error
names the file and the entry). Runs ``ckan sach seed`` first (dependencias and temas). Run
``ckan sach demo`` before it to link the cards, the publication plan and the results to the demo
datasets; links to datasets that do not exist are left out.
"""
from __future__ import annotations

import io
import os
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.sach import vocab
from ckanext.sach.demo import HERE, DemoDataError, read_data

__all__ = ["CONTENT_FILE", "content", "run"]

CONTENT_FILE = os.path.join(HERE, "microsite.yaml")
TRANSPARENCIA = "coordinacion-general-de-transparencia"
RESULT_DATASETS = ["solicitudes-de-informacion-2024", "sesiones-de-cabildo-2024"]

#: section -> (required keys, optional keys)
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "texts": (("name", "section", "position", "title", "notes"), ("title_en", "notes_en")),
    "cards": (("name", "org", "title", "topic", "audience", "info_date", "notes"),
              ("related_datasets", "related_links")),
    "plan": (("name", "org", "title", "target_date", "status"), ("reason", "dataset")),
    "activities": (("name", "kind", "title", "school", "level", "date", "topic", "participants"),
                   ("materials",)),
    "requests": (("id", "kind", "title", "body", "requester_name", "requester_email", "status"),
                 ("answer",)),
}
_MATERIAL_FIELDS = ("filename", "format", "label", "content")


def _check_item(path: str, section: str, position: int, item: Any) -> None:
    required, optional = _FIELDS[section]
    label = repr(item.get("name") or item.get("id")) if isinstance(item, dict) else f"#{position}"

    def fail(message: str) -> DemoDataError:
        return DemoDataError(f"{path}, {section} {label}: {message}")

    if not isinstance(item, dict):
        raise fail("must be a mapping")
    missing = [k for k in required if item.get(k) in (None, "", [])]
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    unknown = sorted(set(item) - set(required) - set(optional))
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(required + optional)})")
    if section == "cards":
        if item["topic"] not in vocab.values("themes"):
            raise fail(f"topic {item['topic']!r} is not in the themes vocabulary")
        wrong = [a for a in item["audience"] if a not in vocab.values("audiences")]
        if wrong:
            raise fail(f"audience {', '.join(map(repr, wrong))} not in vocab/audiences.yaml")
    for material in item.get("materials", []):
        if not isinstance(material, dict) or sorted(material) != sorted(_MATERIAL_FIELDS):
            raise fail(f"materials: each file needs exactly {', '.join(_MATERIAL_FIELDS)}")


def content(path: str = CONTENT_FILE) -> dict[str, list[dict[str, Any]]]:
    """The checked content of ``microsite.yaml`` (raises :class:`DemoDataError` naming the file
    and entry when it is wrong)."""
    document = read_data(path)
    if not isinstance(document, dict) or set(document) != set(_FIELDS):
        raise DemoDataError(f"{path}: must have exactly the sections {', '.join(_FIELDS)}")
    for section, entries in document.items():
        if not isinstance(entries, list):
            raise DemoDataError(f"{path}, {section}: must be a list")
        for position, item in enumerate(entries, 1):
            _check_item(path, section, position, item)
        keys = [item.get("name") or item.get("id") for item in entries]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise DemoDataError(f"{path}, {section}: used twice: {', '.join(twice)}")
    return document


def _context() -> Context:
    from ckanext.sach import seed

    return seed.site_context()


def _exists(name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")(_context(), {"id": name})
    except tk.ObjectNotFound:
        return None


def _org_id(name: str) -> str:
    return tk.get_action("organization_show")(_context(), {"id": name})["id"]


def _existing_datasets(names: list[str]) -> str:
    found = []
    for name in names:
        pkg = _exists(name) if name else None
        if pkg and pkg.get("type") == "dataset" and pkg.get("state") == "active":
            found.append(name)
    return " ".join(found)


def _create(data: dict[str, Any], created: list[str], existing: list[str]) -> dict[str, Any] | None:
    if _exists(data["name"]):
        existing.append(data["name"])
        return None
    pkg = tk.get_action("package_create")(_context(), data)
    created.append(data["name"])
    return pkg


def _upload(package_id: str, material: dict[str, Any]) -> None:
    kind = "text/csv" if material["format"] == "CSV" else "text/plain"
    tk.get_action("resource_create")(_context(), {
        "package_id": package_id, "name": material["label"], "format": material["format"],
        "url": material["filename"],
        "upload": FileStorage(stream=io.BytesIO(material["content"].encode("utf-8")),
                              filename=material["filename"], content_type=kind),
    })


def _load_texts(texts: list[dict[str, Any]], created: list[str], existing: list[str]) -> None:
    transparencia = _org_id(TRANSPARENCIA)
    for text in texts:
        _create(dict(text, type="texto_micrositio", owner_org=transparencia), created, existing)


def _load_cards(cards: list[dict[str, Any]], created: list[str], existing: list[str]) -> None:
    for card in cards:
        data = {k: v for k, v in card.items() if k not in ("org", "related_datasets")}
        data.update(type="informacion_util", owner_org=_org_id(card["org"]),
                    related_datasets=_existing_datasets(card.get("related_datasets", [])))
        _create(data, created, existing)


def _load_plan(plan: list[dict[str, Any]], created: list[str], existing: list[str]) -> None:
    for entry in plan:
        dataset = entry.get("dataset", "")
        published = _existing_datasets([dataset]) if dataset else ""
        status = entry["status"]
        if status == "publicado" and not published:
            status = "en_preparacion"
        _create({
            "type": "plan_publicacion", "name": entry["name"], "title": entry["title"],
            "owner_org": _org_id(entry["org"]), "target_date": entry["target_date"],
            "plan_status": status, "reason": entry.get("reason", ""), "published_dataset": published,
        }, created, existing)


def _load_activities(activities: list[dict[str, Any]], created: list[str], existing: list[str]) -> None:
    transparencia = _org_id(TRANSPARENCIA)
    results = _existing_datasets(RESULT_DATASETS)
    for activity in activities:
        pkg = _create({
            "type": "actividad_escolar", "name": activity["name"], "title": activity["title"],
            "owner_org": transparencia, "activity_kind": activity["kind"], "school": activity["school"],
            "school_level": activity["level"], "activity_date": activity["date"],
            "activity_topic": activity["topic"], "participants": activity["participants"],
            "result_datasets": results if activity["kind"] == "semana" else "",
        }, created, existing)
        if pkg:
            for material in activity.get("materials", []):
                _upload(pkg["id"], material)


def _load_requests(requests: list[dict[str, Any]], created: list[str]) -> None:
    from ckan import model

    from ckanext.sach.microsite.model import Request

    if Request.get(requests[0]["id"]) is not None:
        return
    model.Session.add_all([Request(**request) for request in requests])
    model.Session.commit()
    created.append("solicitudes de ejemplo")


def run() -> dict[str, list[str]]:
    """Create the demo texts, cards, publication plan, school activities and participation
    requests. Returns the names created and already present."""
    from ckanext.sach import seed

    data = content()
    seed.run()
    created: list[str] = []
    existing: list[str] = []
    _load_texts(data["texts"], created, existing)
    _load_cards(data["cards"], created, existing)
    _load_plan(data["plan"], created, existing)
    _load_activities(data["activities"], created, existing)
    _load_requests(data["requests"], created)
    return {"created": created, "existing": existing}
