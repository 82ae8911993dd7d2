"""Template helpers of the microsite: choices and labels of the plain-language cards, labels of
the participation requests, microsite texts in the page language and the names of the microsite
content types in forms and breadcrumbs."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach import vocab
from ckanext.sach.microsite.auth import can_answer
from ckanext.sach.web.language import page_lang

__all__ = [
    "humanize_entity_type",
    "sach_can_answer_requests",
    "sach_localized_text",
    "sach_microsite_audience_choices",
    "sach_microsite_label",
    "sach_microsite_topic_choices",
    "sach_request_kind_label",
    "sach_request_status_label",
]


def sach_microsite_topic_choices(field: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Topics of the plain-language cards: the catalogue's temas (vocab ``themes``)."""
    return [
        {"value": item["value"], "label": item["label"]}
        for item in vocab.items("themes")
    ]


def sach_microsite_audience_choices(field: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Audiences of the plain-language cards (vocab ``audiences``)."""
    return [
        {"value": item["value"], "label": item["label"]}
        for item in vocab.items("audiences")
    ]


def sach_microsite_label(kind: str, value: Any) -> str:
    """Label of a topic (``kind='topic'``) or audience (``kind='audience'``) value."""
    choices = (
        sach_microsite_topic_choices()
        if kind == "topic"
        else sach_microsite_audience_choices()
    )
    for choice in choices:
        if choice["value"] == value:
            label = choice["label"]
            if isinstance(label, dict):
                return label.get(page_lang()) or label.get("es") or str(value)
            return str(label)
    return str(value or "")


def sach_request_status_label(status: str) -> str:
    return {
        "new": tk._("Recibida"),
        "in_progress": tk._("En atención"),
        "answered": tk._("Respondida"),
        "rejected": tk._("No procede"),
    }.get(status, status)


def sach_request_kind_label(kind: str) -> str:
    return {
        "dataset": tk._("Solicitud de datos"),
        "comment": tk._("Comentario sobre un conjunto de datos"),
    }.get(kind, kind)


def sach_can_answer_requests() -> bool:
    """Whether the signed-in user may answer participation requests."""
    return can_answer(tk.g.get("user") or None)


def sach_localized_text(text: dict[str, Any]) -> dict[str, Any]:
    """The title and HTML body of a microsite text in the page language:
    ``{"title", "notes_html", "lang"}`` where ``lang`` is the language of what
    is returned (English when the text has it and the page is English)."""
    if page_lang() == "en" and (text.get("title_en") or text.get("notes_en_html")):
        return {
            "title": text.get("title_en") or text.get("title"),
            "title_lang": "en" if text.get("title_en") else "es",
            "notes_html": text.get("notes_en_html") or text.get("notes_html"),
            "notes_lang": "en" if text.get("notes_en_html") else "es",
        }
    return {"title": text.get("title"), "title_lang": "es",
            "notes_html": text.get("notes_html"), "notes_lang": "es"}


def _type_labels() -> dict[str, tuple[str, str]]:
    """(singular, plural) names of the microsite content types, translated."""
    _ = tk._
    return {
        "informacion_util": (_("ficha de información pública útil"), _("fichas de información pública útil")),
        "plan_publicacion": (_("compromiso del plan de publicación"), _("compromisos del plan de publicación")),
        "actividad_escolar": (_("actividad escolar"), _("actividades escolares")),
        "texto_micrositio": (_("texto del micrositio"), _("textos del micrositio")),
    }


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str, object_type: str, purpose: str) -> Any:
    """Forms, titles and breadcrumbs of the microsite content types name them
    in the page language ("Crear texto del micrositio", "Create microsite
    text"), not by their type key ("Create Texto micrositio")."""
    result = next_helper(entity_type, object_type, purpose)
    labels = _type_labels().get(object_type) if entity_type == "package" else None
    if not labels or not isinstance(result, str):
        return result
    singular, plural = labels
    key = object_type.replace("_", " ").capitalize()
    for auto, mine in ((key + "s", plural), (key, singular)):
        if result.startswith(auto):
            result = mine[:1].upper() + mine[1:] + result[len(auto):]
        result = result.replace(auto, mine)
    return result
