"""Adjust CKAN's Solr schema for Spanish, at image build time.

CKAN's schema (shipped in the ``ckan/ckan-solr`` image as the ``ckan``
configset's ``managed-schema``) analyses every free-text field (``title``,
``notes``, ``text``, ``extras_*``...) with the ``text`` field type, whose
analyzers stem with the English Snowball stemmer. This script rewrites the
filter chain of that field type only, in place, so that it becomes:

    tokenizer, word delimiter, ... (unchanged, up to LowerCaseFilterFactory)
    StopFilterFactory            Spanish stop words (lang/stopwords_es.txt,
                                 shipped in Solr's _default configset)
    KeywordMarkerFilterFactory   protwords.txt still protects words from stemming
    ASCIIFoldingFilterFactory    accent folding: "presupuestó" -> "presupuesto"
    SpanishLightStemFilterFactory  "presupuestos" and "presupuesto" share a stem

Stop words are removed before folding because the stop-word list is accented
("él", "más"). Everything outside ``<fieldType name="text">`` is left byte for
byte as it was (license header, schema name and version, fields, copyFields),
so CKAN's schema-version check still passes.

Usage: ``python3 spanish_schema.py PATH [--field-type NAME ...]``. Exits with
status 1 and a message when the schema has no such field type or cannot be
parsed, so a changed upstream schema breaks the image build instead of
silently producing an unadjusted index. Running it twice gives the same file.
Standard library only (it runs in a plain ``python:3.x-slim`` build stage).
"""
from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET

MARKER = "ckanext-sach: Spanish analysis (stop words, accent folding, light stemming)"

STOPWORDS_ES = "lang/stopwords_es.txt"
PROTWORDS = "protwords.txt"

# Filters this script owns: removed from the chain, then appended again in
# the order below. Stemmers of other languages are dropped, since stemming a
# token twice (English then Spanish) mangles it.
_OWNED = {
    "solr.StopFilterFactory",
    "solr.KeywordMarkerFilterFactory",
    "solr.ASCIIFoldingFilterFactory",
    "solr.SpanishLightStemFilterFactory",
    "solr.SnowballPorterFilterFactory",
    "solr.PorterStemFilterFactory",
    "solr.EnglishMinimalStemFilterFactory",
    "solr.EnglishPossessiveFilterFactory",
    "solr.KStemFilterFactory",
    "solr.SpanishMinimalStemFilterFactory",
    "solr.SpanishPluralStemFilterFactory",
}

SPANISH_FILTERS: list[dict[str, str]] = [
    {"class": "solr.StopFilterFactory", "ignoreCase": "true",
     "words": STOPWORDS_ES, "format": "snowball"},
    {"class": "solr.KeywordMarkerFilterFactory", "protected": PROTWORDS},
    {"class": "solr.ASCIIFoldingFilterFactory", "preserveOriginal": "false"},
    {"class": "solr.SpanishLightStemFilterFactory"},
]


class SchemaError(Exception):
    """The schema cannot be adjusted (missing field type, bad XML...)."""


def _field_type_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        r'(?P<indent>[ \t]*)<fieldType\b[^>]*\bname="' + re.escape(name)
        + r'"[^>]*?(?:/>|>.*?</fieldType>)',
        re.DOTALL,
    )


def _adjust_analyzer(analyzer: ET.Element) -> None:
    children = list(analyzer)
    for child in children:
        analyzer.remove(child)
    kept = [
        c for c in children
        if not (isinstance(c.tag, str) and c.tag == "filter"
                and c.get("class") in _OWNED)
    ]
    if not any(isinstance(c.tag, str) and c.tag == "tokenizer" for c in kept):
        raise SchemaError("an analyzer of the field type has no tokenizer")
    if not any(c.get("class") == "solr.LowerCaseFilterFactory" for c in kept
               if isinstance(c.tag, str)):
        kept.append(ET.Element("filter", {"class": "solr.LowerCaseFilterFactory"}))
    for child in kept:
        analyzer.append(child)
    for attrs in SPANISH_FILTERS:
        analyzer.append(ET.Element("filter", dict(attrs)))


def adjust_field_type(fragment: str, name: str) -> str:
    """Return the ``<fieldType>`` XML fragment with the Spanish chain."""
    try:
        element = ET.fromstring(
            fragment,
            parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)),
        )
    except ET.ParseError as exc:
        raise SchemaError(f'<fieldType name="{name}"> is not valid XML: {exc}') from exc
    if element.get("class") != "solr.TextField":
        raise SchemaError(
            f'<fieldType name="{name}"> is {element.get("class")!r}, '
            "not solr.TextField: nothing to analyse"
        )
    analyzers = [c for c in element if isinstance(c.tag, str) and c.tag == "analyzer"]
    if not analyzers:
        raise SchemaError(f'<fieldType name="{name}"> has no <analyzer>')
    for child in list(element):
        if not isinstance(child.tag, str) and MARKER in (child.text or ""):
            element.remove(child)
    element.insert(0, ET.Comment(f" {MARKER} "))
    for analyzer in analyzers:
        _adjust_analyzer(analyzer)
    ET.indent(element, space="    ")
    return ET.tostring(element, encoding="unicode")


def adjust_schema(text: str, field_types: tuple[str, ...] = ("text",)) -> str:
    """Return the whole schema text with the given field types adjusted."""
    for name in field_types:
        matches = list(_field_type_pattern(name).finditer(text))
        if not matches:
            raise SchemaError(f'the schema has no <fieldType name="{name}">')
        if len(matches) > 1:
            raise SchemaError(f'the schema has {len(matches)} <fieldType name="{name}">')
        match = matches[0]
        indent = match.group("indent")
        body = match.group(0)[len(indent):]
        new = adjust_field_type(body, name)
        new = "\n".join(
            (indent + line) if i else line for i, line in enumerate(new.splitlines())
        )
        text = text[:match.start()] + indent + new + text[match.end():]
    try:
        ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:  # pragma: no cover - guards the splice above
        raise SchemaError(f"the adjusted schema is not valid XML: {exc}") from exc
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", help="path of managed-schema / schema.xml, rewritten in place")
    parser.add_argument(
        "--field-type", action="append", dest="field_types",
        help='field type to adjust (repeatable; default: "text")',
    )
    args = parser.parse_args(argv)
    field_types = tuple(args.field_types or ["text"])
    try:
        with open(args.schema, encoding="utf-8") as fh:
            original = fh.read()
        adjusted = adjust_schema(original, field_types)
    except (OSError, SchemaError) as exc:
        print(f"spanish_schema: {args.schema}: {exc}", file=sys.stderr)
        return 1
    with open(args.schema, "w", encoding="utf-8") as fh:
        fh.write(adjusted)
    print(f"spanish_schema: adjusted {', '.join(field_types)} in {args.schema}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
