"""Dismax never refuses what a person types: successively milder readings of a free-text query.

Solr's dismax and edismax parsers answer every free-text query: dismax drops the quotes of a query
whose quotes do not pair and removes dangling or doubled ``+``/``-`` operators; edismax, when the
query still does not parse, reads it again with its operators taken as plain text. This backend
gives the parser the query as typed first and, only when that fails, the readings below, each one
milder than the last, keeping as much of the query's syntax as still makes sense:

1. an odd number of ``"``: every quote is dropped (the words stay, as Solr's dismax does);
2. ``+``/``-`` with nothing after them, or several in a row: dropped;
3. parentheses that do not pair (and empty ``()``): dropped, the balanced ones kept;
4. ``AND``/``OR``/``NOT`` that cannot be read as operators: dropped (the default operator joins
   the words);
5. plain words: every quote, parenthesis and leading ``+``/``-`` removed.

Reading 5 is made only of words, which the parser always accepts, so a free-text query is never a
syntax error. Fielded queries (``title:…``, Solr's standard parser) stay strict, as in Solr.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

OPERATOR_WORDS = frozenset(("AND", "OR", "NOT"))

_CONSECUTIVE_OPERATORS = re.compile(r"(^|\s)[+-](?:\s*[+-])+")
_DANGLING_OPERATOR = re.compile(r"(^|\s)[+-]+(?=\s|$|\))")
_EMPTY_GROUP = re.compile(r"\(\s*\)")


def strip_unbalanced_quotes(text: str) -> str:
    return text.replace('"', " ") if text.count('"') % 2 else text


def strip_illegal_operators(text: str) -> str:
    text = _CONSECUTIVE_OPERATORS.sub(r"\1", text)
    previous = None
    while previous != text:
        previous, text = text, _DANGLING_OPERATOR.sub(r"\1", text)
    return text


def balance_parentheses(text: str) -> str:
    """Drop the parentheses (outside phrases) that have no partner, and empty groups."""
    chars = list(text)
    opened: list[int] = []
    in_phrase = False
    for i, c in enumerate(chars):
        if c == '"':
            in_phrase = not in_phrase
        elif in_phrase:
            continue
        elif c == "(":
            opened.append(i)
        elif c == ")":
            if opened:
                opened.pop()
            else:
                chars[i] = " "
    for i in opened:
        chars[i] = " "
    text = "".join(chars)
    previous = None
    while previous != text:
        previous, text = text, _EMPTY_GROUP.sub(" ", text)
    return text


def drop_operator_words(text: str) -> str:
    return " ".join(w for w in text.split() if w not in OPERATOR_WORDS)


def plain_words(text: str) -> str:
    words = []
    for token in re.sub(r'["()]', " ", text).split():
        word = token.lstrip("+-")
        if word and word not in OPERATOR_WORDS:
            words.append(word)
    return " ".join(words)


def readings(text: str) -> Iterator[str]:
    """The query as typed, then each milder reading that differs from the one before."""
    yield text
    seen = {text}
    current = text
    for step in (strip_unbalanced_quotes, strip_illegal_operators, balance_parentheses,
                 drop_operator_words):
        current = step(current)
        if current not in seen:
            seen.add(current)
            yield current
    last = plain_words(text)
    if last not in seen:
        yield last
