"""Translate Solr/Lucene query syntax into parameterised SQL over `sach_search_doc`.

The query text is parsed with luqum (a maintained Lucene-syntax parser; `luqum.thread.parse`, safe
in every thread of a web worker); `QueryBuilder`, a luqum `TreeVisitor` with one method per node
type, then walks the tree into a SQL boolean expression. Field names, values and patterns always
travel as bound parameters: the only SQL text produced here comes from constants in this module.

Semantics follow CKAN's Solr schema: `text` fields (title, notes, res_name, extras_*, …) match word
by word through the weighted tsvector, every other field is an exact `string` value (multi-valued
fields match when any value matches).
"""
from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from dateutil.relativedelta import relativedelta
from luqum import thread, tree
from luqum.visitor import TreeVisitor

from ckan.lib.search.common import SearchError

from ckanext.sach.search import document, tolerant

MAX_QUERY_LENGTH = 10_000
MAX_CLAUSES = 1024
MAX_DEPTH = 64

# Rank weights for {D, C, B, A}: title/name (A) > tags/groups (B) > notes (C) = resources/extras (D).
RANK_WEIGHTS = "{0.2, 0.2, 0.5, 1.0}"

DATE_COLUMNS = {"metadata_modified": "d.metadata_modified", "metadata_created": "d.metadata_created"}

# Sort keys: constant SQL snippets chosen from user input, never built from it.
SORT_COLUMNS = {
    "metadata_modified": "d.metadata_modified",
    "metadata_created": "d.metadata_created",
    "title_string": "d.title_sort",
    "title": "d.title_sort",
    "name": "d.name",
    "id": "d.id",
    "index_id": "d.index_id",
}
SORT_NUMERIC = ("views_recent", "views_total", "num_resources", "num_tags")
SORT_STRING = (
    "organization",
    "license_id",
    "state",
    "dataset_type",
    "capacity",
    "version",
    "author",
    "maintainer",
    "url",
)

# Solr's n-gram copies of name and title (package_autocomplete), on trigram-indexed columns.
NGRAM_COLUMNS = {"name_ngram": "d.name", "title_ngram": "d.title_sort"}

# Multivalued fields of CKAN's Solr schema, which Solr refuses to sort on.
SORT_MULTIVALUED = ("tags", "groups", "res_name", "res_description", "res_format", "res_url",
                    "res_type", "urls", "permission_labels")
SORT_MULTIVALUED_PREFIXES = ("res_extras_", "vocab_")
_SORT_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
# A typed field's first value ({value}) as its type sorts.
_SORT_CASTS = {
    "number": "sach_search_to_numeric{value}",
    "string": "{value}",
    "date": "sach_search_to_timestamptz{value}",
}
# What a range compares, per kind of bounds, for values `e.v` of `QueryBuilder._values`.
_RANGE_TARGETS = {
    "date": "sach_search_to_timestamptz(e.v)",
    "number": "sach_search_to_numeric(e.v)",
    "string": 'e.v COLLATE "C"',
}

# Dismax: only quotes, +/-, parentheses, AND/OR/NOT and a trailing * keep a meaning; every other
# Lucene special character (and the parser's `<`, `>` and `'`) is literal text.
_DISMAX_LITERAL = set("\\:[]{}^~?/!&|<>'")

# A free-text query that Solr's dismax still refuses: two operators at its very start.
_DISMAX_REFUSED = re.compile(r"[+-]\s*[+-]")

_DATE_MATH_RE = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
_DATE_UNITS = {
    "YEAR": "years",
    "MONTH": "months",
    "DAY": "days",
    "DATE": "days",
    "HOUR": "hours",
    "MINUTE": "minutes",
    "SECOND": "seconds",
    "MILLI": "microseconds",
    "MILLISECOND": "microseconds",
}


class QueryError(SearchError):
    """A query the user wrote (or a parameter) that cannot be understood: HTTP 409 in the API."""


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tree.Item:
    """The luqum tree of a query (cached; the trees are only read, never changed)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError("Search query is too long")
    try:
        return thread.parse(text)
    # luqum's ParseError is a ValueError, as is int() of a fractional proximity (`"a b"~1.5`);
    # Decimal() of a malformed fuzziness or boost raises decimal.InvalidOperation
    except (ValueError, TypeError, ArithmeticError) as e:
        raise QueryError(f"Cannot parse search query {text!r}: {e}") from None


def escape_dismax(text: str) -> str:
    return "".join("\\" + c if c in _DISMAX_LITERAL else c for c in text)


def _unescaped(text: str) -> str:
    """A field name or a bound without its Lucene escapes, read as luqum reads a term's."""
    return tree.Word(text).unescaped_value


def _has_wildcard(raw: str) -> bool:
    escaped = False
    for c in raw:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c in "*?":
            return True
    return False


def min_should_match(spec: str, count: int) -> int:
    """Solr `mm`: `2<-1 5<80%` → all for ≤2 clauses, all but one up to 5, 80% above."""

    def value(part: str) -> int:
        part = part.strip()
        try:
            if part.endswith("%"):
                pct = int(part[:-1])
                n = math.floor(count * abs(pct) / 100)
                return n if pct >= 0 else count - n
            n = int(part)
        except ValueError:
            raise QueryError(f"Invalid mm parameter: {spec!r}") from None
        return n if n >= 0 else count + n

    if isinstance(spec, bool) or not isinstance(spec, (str, int, type(None))):
        raise QueryError(f"Invalid mm parameter: {spec!r}: use a number, a percentage or n<m rules")
    spec = str(spec if spec is not None else "").strip()
    if not spec:
        return count
    if "<" not in spec:
        required = value(spec)
    else:
        required = count
        for condition in spec.split():
            limit, sep, rule = condition.partition("<")
            if not sep:
                raise QueryError(f"Invalid mm parameter: {spec!r}")
            try:
                threshold = int(limit)
            except ValueError:
                raise QueryError(f"Invalid mm parameter: {spec!r}") from None
            if count > threshold:
                required = value(rule)
    return max(1, min(count, required))


def parse_date(text: str, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Solr date or date math (`NOW`, `NOW-1DAY`, `NOW/DAY`, `2020-01-01T00:00:00Z+1MONTH`)."""
    text = text.strip().upper()
    now = now or datetime.datetime.now(datetime.UTC)
    base: datetime.datetime | None
    if text.startswith("NOW"):
        base, math_part = now, text[3:]
    else:
        z = text.find("Z")
        head, math_part = (text[: z + 1], text[z + 1 :]) if z >= 0 else (text, "")
        base = document.parse_datetime(head)
        if base is None:
            return None
    position = 0
    while position < len(math_part):
        match = _DATE_MATH_RE.match(math_part, position)
        if not match:
            return None
        sign, amount, unit, round_unit = match.groups()
        unit = (unit or round_unit).rstrip("S")
        attr = _DATE_UNITS.get(unit)
        if attr is None:
            return None
        if round_unit:
            base = _round_date(base, unit)
        else:
            n = int(amount) * (1000 if unit.startswith("MILLI") else 1)
            try:
                delta: dict[str, Any] = {attr: n if sign == "+" else -n}
                base = base + relativedelta(**delta)
            except (OverflowError, ValueError):
                return None
        position = match.end()
    return base


def _round_date(value: datetime.datetime, unit: str) -> datetime.datetime:
    fields = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
    unit = "DAY" if unit == "DATE" else unit
    if unit not in fields:
        return value.replace(microsecond=0)
    keep = fields.index(unit)
    reset = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0}
    names = ["year", "month", "day", "hour", "minute", "second"]
    changes: dict[str, Any] = {n: reset[n] for n in names[keep + 1 :]}
    return value.replace(microsecond=0, **changes)


def _sort_kind(field: str) -> str | None:
    """How a field of CKAN's Solr schema with a type sorts (None: not one of them)."""
    if field in SORT_NUMERIC:
        return "number"
    if field in SORT_STRING:
        return "string"
    if field.endswith("_date") and field.replace("_", "").isalnum():
        return "date"
    return None


def _range_kind(field: str, bounds: list[str]) -> str:
    """Dates for the date fields; else numbers, dates or strings, as every given bound reads."""
    if field in DATE_COLUMNS or field.endswith("_date"):
        return "date"
    if all(_number(b) is not None for b in bounds):
        return "number"
    if all(parse_date(b) is not None for b in bounds):
        return "date"
    return "string"


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class QueryBuilder(TreeVisitor):
    """Builds one statement's WHERE clause, rank expression and ORDER BY, with its parameters."""

    def __init__(self, text_config: str, default_operator: str = "AND") -> None:
        super().__init__()
        self.params: dict[str, Any] = {}
        self.cfg = f"CAST({self.param(text_config)} AS regconfig)"
        self.default_operator = "OR" if str(default_operator).upper() == "OR" else "AND"
        self.rank_terms: list[str] = []
        self._clauses = 0
        self._collect_rank = False
        self._negated = 0

    # -- parameters -----------------------------------------------------------------------------
    def param(self, value: Any) -> str:
        texts = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise QueryError("Search parameters cannot contain NUL characters")
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    # -- entry points ---------------------------------------------------------------------------
    def q_clause(self, q: Any, def_type: str | None, mm: str | None) -> str:
        text = self._as_text(q, "q").strip()
        if text in ("", "*:*", "*", '""', "''"):
            return "TRUE"
        if def_type == "dismax" and _DISMAX_REFUSED.match(text):
            # Solr's dismax strips doubled operators only after a space: `--included` reaches
            # the Lucene parser and fails (CKAN shows its search error), so it fails here too.
            raise QueryError(f"Cannot parse search query {text!r}: doubled operator at the start")
        self._collect_rank = True
        try:
            if def_type in ("dismax", "edismax") and ":" not in text:
                return self._tolerant_dismax(text, mm)
            if def_type == "dismax":
                # CKAN only asks dismax for queries without a colon; be lenient like Solr.
                return self._tolerant_dismax(text.replace(":", " "), mm)
            if def_type == "edismax":
                # edismax reads a fielded query it cannot parse again as plain text.
                state = self._state()
                try:
                    return self.node(parse(text), None)
                except QueryError:
                    self._restore(state)
                    return self._tolerant_dismax(text.replace(":", " "), mm)
            return self.node(parse(text), None)
        finally:
            self._collect_rank = False

    def _state(self) -> tuple[dict[str, Any], int, int]:
        return dict(self.params), len(self.rank_terms), self._clauses

    def _restore(self, state: tuple[dict[str, Any], int, int]) -> None:
        self.params, self._clauses = state[0], state[2]
        del self.rank_terms[state[1]:]

    def _tolerant_dismax(self, text: str, mm: Any) -> str:
        """Free text never fails to parse (Solr's dismax/edismax): the query as typed, else the
        milder readings of `tolerant.readings`, the first that the parser accepts."""
        error: QueryError | None = None
        for reading in tolerant.readings(text):
            if not reading.strip():
                return "TRUE"
            state = self._state()
            try:
                return self._dismax(parse(escape_dismax(reading)), mm)
            except QueryError as e:
                error = e
                self._restore(state)
        assert error is not None
        raise error

    def fq_clause(self, fq: Any) -> str:
        text = self._as_text(fq, "fq").strip()
        if not text or text == "*:*":
            return "TRUE"
        return self.node(parse(text), None)

    def rank_expression(self) -> str:
        if not self.rank_terms:
            return "0"
        return f"ts_rank('{RANK_WEIGHTS}', d.tsv, {' || '.join(self.rank_terms)})"

    def order_by(self, sort: Any, rank: str) -> str:
        return ", ".join(f"{e} {d} NULLS LAST" for e, d in self.order_keys(sort, rank))

    def order_keys(self, sort: Any, rank: str) -> list[tuple[str, str]]:
        """[(SQL expression, ASC|DESC)] for the sort parameter, ending with a tie-breaker."""
        text = self._as_text(sort or "", "sort").strip()
        if not text:
            text = "score desc, metadata_modified desc"
        parts = []
        for clause in text.split(","):
            words = clause.split()
            if not words:
                continue
            if len(words) > 2:
                raise QueryError(f"Invalid sort clause: {clause.strip()!r}")
            field = words[0]
            if len(words) == 1:
                # Solr: "Can't determine a Sort Order (asc or desc) in sort spec".
                raise QueryError(f"Sort clause {clause.strip()!r} needs a direction: asc or desc")
            direction = words[1].lower()
            if direction not in ("asc", "desc"):
                raise QueryError(f"Invalid sort direction in {clause.strip()!r}: use asc or desc")
            parts.append((self._sort_expression(field, rank), direction.upper()))
        if not parts:
            raise QueryError(f"Invalid sort parameter: {text!r}")
        parts.append(("d.index_id", "ASC"))
        return parts

    # -- sorting --------------------------------------------------------------------------------
    def _sort_expression(self, field: str, rank: str) -> str:
        if field == "score":
            return rank if rank != "0" else "CAST(0 AS real)"
        if field in SORT_COLUMNS:
            return SORT_COLUMNS[field]
        kind = _sort_kind(field)
        if kind is not None:
            return _SORT_CASTS[kind].format(value=f"(d.fields -> {self.param(field)} ->> 0)")
        return self._dynamic_sort_expression(field)

    def _dynamic_sort_expression(self, field: str) -> str:
        """Solr's catch-all `*` dynamic field: any other field sorts as a single string (absent
        everywhere: every row ties, e.g. the `view_recent desc` of CKAN's home page)."""
        if not _SORT_FIELD_RE.fullmatch(field):
            raise QueryError(f"Unknown sort field: {field!r}")
        if field in SORT_MULTIVALUED or field.startswith(SORT_MULTIVALUED_PREFIXES):
            raise QueryError(f"Cannot sort on the multivalued field {field!r}")
        if document.in_fields(field):
            return f"(d.fields -> {self.param(field)} ->> 0)"
        return f"(d.doc ->> {self.param(field)})"

    # -- parameter text -------------------------------------------------------------------------
    @staticmethod
    def _as_text(value: Any, name: str) -> str:
        if value is None:
            return ""
        if isinstance(value, (list, tuple, dict, set)):
            raise QueryError(f"Parameter {name} must be a string")
        return str(value)

    def _count(self) -> None:
        self._clauses += 1
        if self._clauses > MAX_CLAUSES:
            raise QueryError(f"Too many clauses in search query (maximum {MAX_CLAUSES})")

    # -- tree walking: a luqum TreeVisitor, one method per node type ----------------------------
    # Each visit_* method yields the SQL of its node, once; the context holds the field the node
    # is read in ("field", None for the default text fields) and its nesting depth ("depth").
    def node(self, item: tree.Item, field: str | None, depth: int = 0) -> str:
        """The SQL condition of a parsed query (or of one of its nodes) read in `field`."""
        return self._sql(item, {"field": field, "depth": depth})

    def _sql(self, item: tree.Item, context: dict[str, Any]) -> str:
        depth = context["depth"]
        if depth > MAX_DEPTH:
            raise QueryError("Search query is nested too deeply")
        (sql,) = self.visit_iter(item, {**context, "depth": depth + 1})
        return sql

    def _negated_sql(self, item: tree.Item, context: dict[str, Any]) -> str:
        """The SQL of `item` under a NOT: its words do not count for relevance."""
        self._negated += 1
        try:
            return self._sql(item, context)
        finally:
            self._negated -= 1

    def generic_visit(self, node: tree.Item, context: dict[str, Any]) -> Iterator[str]:
        raise QueryError(f"Unsupported search syntax: {node}")

    def visit_search_field(self, node: tree.SearchField, context: dict[str, Any]) -> Iterator[str]:
        name = _unescaped(node.name)
        if name == "*" and isinstance(node.expr, tree.Word) and node.expr.value == "*":
            yield "TRUE"
        else:
            yield self._sql(node.expr, {**context, "field": None if name == "*" else name})

    def visit_base_group(self, node: tree.BaseGroup, context: dict[str, Any]) -> Iterator[str]:
        """`(a b)` and `field:(a b)` (a FieldGroup: its field is already in the context)."""
        yield self._sql(node.expr, context)

    def visit_boost(self, node: tree.Boost, context: dict[str, Any]) -> Iterator[str]:
        yield self._sql(node.expr, context)

    def visit_base_approx(self, node: tree.BaseApprox, context: dict[str, Any]) -> Iterator[str]:
        """Fuzzy words (`word~`) and proximity phrases (`"a b"~3`) match as the plain term."""
        yield self._sql(node.term, context)

    def visit_plus(self, node: tree.Plus, context: dict[str, Any]) -> Iterator[str]:
        yield self._sql(node.a, context)

    def visit_prohibit(self, node: tree.Prohibit | tree.Not, context: dict[str, Any]) -> Iterator[str]:
        yield f"NOT ({self._negated_sql(node.a, context)})"

    visit_not = visit_prohibit

    def visit_and_operation(self, node: tree.AndOperation, context: dict[str, Any]) -> Iterator[str]:
        yield self._combine(*self._split(node.children, "AND", context))

    def visit_or_operation(self, node: tree.OrOperation, context: dict[str, Any]) -> Iterator[str]:
        yield self._combine(*self._split(node.children, "OR", context))

    def visit_unknown_operation(self, node: tree.UnknownOperation, context: dict[str, Any]) -> Iterator[str]:
        """Terms side by side: `q.op` (the default operator) joins them."""
        yield self._combine(*self._split(node.children, self.default_operator, context))

    def visit_word(self, node: tree.Word, context: dict[str, Any]) -> Iterator[str]:
        self._count()
        yield self.word(context["field"], node)

    def visit_phrase(self, node: tree.Phrase, context: dict[str, Any]) -> Iterator[str]:
        self._count()
        yield self.phrase(context["field"], node.unescaped_value[1:-1])

    def visit_range(self, node: tree.Range, context: dict[str, Any]) -> Iterator[str]:
        self._count()
        yield self.range(context["field"], node.low, node.high, node.include_low, node.include_high)

    def visit_from(self, node: tree.From, context: dict[str, Any]) -> Iterator[str]:
        """`>a`, `>=a`."""
        self._count()
        yield self.range(context["field"], node.a, None, node.include, True)

    def visit_to(self, node: tree.To, context: dict[str, Any]) -> Iterator[str]:
        """`<a`, `<=a`."""
        self._count()
        yield self.range(context["field"], None, node.a, True, node.include)

    def visit_regex(self, node: tree.Regex, context: dict[str, Any]) -> Iterator[str]:
        raise QueryError("Regular expressions are not supported in search queries")

    def _split(self, children: Any, operator: str,
               context: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
        """The clauses of a boolean node as (must, should, must_not) SQL conditions: `+a`, plain
        terms (must under AND, should under OR) and `-a`/`NOT a`."""
        must, should, must_not = [], [], []
        for child in children:
            if isinstance(child, tree.Plus):
                must.append(self._sql(child.a, context))
            elif isinstance(child, (tree.Prohibit, tree.Not)):
                must_not.append(self._negated_sql(child.a, context))
            elif operator == "AND":
                must.append(self._sql(child, context))
            else:
                should.append(self._sql(child, context))
        return must, should, must_not

    @staticmethod
    def _combine(must: list[str], should: list[str], must_not: list[str]) -> str:
        parts = [f"({m})" for m in must]
        if not must and should:
            parts.append("(" + " OR ".join(f"({s})" for s in should) + ")")
        if must_not:
            parts.append("NOT (" + " OR ".join(f"({n})" for n in must_not) + ")")
        return " AND ".join(parts) if parts else "TRUE"

    def _dismax(self, item: tree.Item, mm: str | None) -> str:
        if not isinstance(item, tree.UnknownOperation):
            return self.node(item, None)
        must, optional, must_not = self._split(item.children, "OR", {"field": None, "depth": 0})
        if optional:
            required = min_should_match(mm if mm is not None else "100%", len(optional))
            if required >= len(optional):
                must.extend(optional)
            else:
                any_of = self._any_of_rarest(item.children, len(optional) - required + 1)
                if any_of is None:
                    any_of = " OR ".join(f"({o})" for o in optional)
                counted = " + ".join(f"(({o}) IS TRUE)::int" for o in optional)
                must.append(f"({any_of}) AND ({counted}) >= {int(required)}")
        return self._combine(must, [], must_not)

    def _any_of_rarest(self, children: Any, needed: int) -> str | None:
        """The index condition of "k of these n plain words": one of any n-k+1 of them (`needed`)
        is implied, and `sach_search_any_word` takes words that are not stopwords first, so the
        GIN index never reads the posting list of `de` or `the` when rarer words suffice. The
        k-of-n count stays the real condition; this only narrows the candidates. None when an
        optional clause is more than a plain word (phrases, fields, wildcards, groups)."""
        words = []
        for child in children:
            if isinstance(child, (tree.Plus, tree.Prohibit, tree.Not)):
                continue
            if not isinstance(child, tree.Word) or _has_wildcard(child.value):
                return None
            value = child.unescaped_value
            if value == "*" or not any(c.isalnum() for c in value):
                return None
            words.append(value)
        if not 0 < needed < len(words):
            return None
        return (
            f"d.tsv @@ sach_search_any_word({self.cfg}, "
            f"CAST({self.param(words)} AS text[]), {int(needed)})"
        )

    # -- leaves ---------------------------------------------------------------------------------
    def _text_match(self, field: str | None, tsquery: str) -> str:
        if self._collect_rank and not self._negated and field in (None, "text", "title", "notes"):
            self.rank_terms.append(tsquery)
        if field in (None, "text"):
            return f"d.tsv @@ {tsquery}"
        if field == "title":
            return f"(d.tsv @@ {tsquery} AND ts_filter(d.tsv, '{{a}}') @@ {tsquery})"
        if field == "notes":
            return f"(d.tsv @@ {tsquery} AND ts_filter(d.tsv, '{{c}}') @@ {tsquery})"
        # Other text fields (res_name, extras_*, author…): analysed on the fly, after the indexed
        # conditions have narrowed the rows.
        name = self.param(field)
        body = (
            "(SELECT string_agg(e.v, ' ') FROM jsonb_array_elements_text(CASE jsonb_typeof("  # noqa: S608 -- the field name is a bound parameter
            f"d.doc -> {name}) WHEN 'array' THEN d.doc -> {name} "
            f"ELSE jsonb_build_array(d.doc -> {name}) END) AS e(v))"
        )
        vector = f"sach_search_tsvector({self.cfg}, {body}, 'D')"
        return f"COALESCE({vector} @@ {tsquery}, FALSE)"

    def _word_tsquery(self, value: str) -> str | None:
        if not any(c.isalnum() for c in value):
            return None
        return f"sach_search_tsquery({self.cfg}, {self.param(value)})"

    def _prefix_tsquery(self, raw: str) -> str | None:
        head = []
        escaped = False
        for c in raw:
            if escaped:
                head.append(c)
                escaped = False
            elif c == "\\":
                escaped = True
            elif c in "*?":
                break
            else:
                head.append(c)
        tokens = re.findall(r"\w+", "".join(head))
        if not tokens:
            return None
        lexemes = [f"'{t}'" for t in tokens]
        lexemes[-1] += ":*"
        return f"to_tsquery('simple', sach_unaccent({self.param(' & '.join(lexemes))}))"

    def word(self, field: str | None, term: tree.Word) -> str:
        raw = term.value
        if field in NGRAM_COLUMNS:
            return self.ngram(field, term.unescaped_value.replace("*", " ").replace("?", " "))
        is_text = field is None or document.is_text_field(field)
        if raw == "*":
            if field is None or field == "text":
                return "TRUE"
            return self._exists(field)
        if is_text:
            tsquery = (self._prefix_tsquery(raw) if _has_wildcard(raw)
                       else self._word_tsquery(term.unescaped_value))
            return "TRUE" if tsquery is None else self._text_match(field, tsquery)
        assert field is not None
        if _has_wildcard(raw):
            return self._string_like(field, raw)
        return self.exact(field, term.unescaped_value)

    def phrase(self, field: str | None, value: str) -> str:
        if field in NGRAM_COLUMNS:
            return self.ngram(field, value)
        if field is None or document.is_text_field(field):
            if not any(c.isalnum() for c in value):
                return "TRUE"
            tsquery = f"sach_search_phrase({self.cfg}, {self.param(value)})"
            return self._text_match(field, tsquery)
        return self.exact(field, value)

    def ngram(self, field: str, value: str) -> str:
        """Solr's `text_ngram` (`name_ngram`, `title_ngram`): every 2–10 character piece of the
        lowercased value is a term, the query is split on spaces. Each word of the query must be
        such a piece; titles are compared accent-folded."""
        words = [document.sort_key(w) or "" for w in value.split()]
        if not words:
            return "FALSE"
        if any(not 2 <= len(w) <= 10 for w in words):
            return "FALSE"
        column = NGRAM_COLUMNS[field]
        patterns = []
        for w in words:
            escaped = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            patterns.append(f"{column} LIKE {self.param('%' + escaped + '%')}")
        return " AND ".join(patterns)

    # -- exact values: one source of text values per storage ----------------------------------
    def _values(self, field: str) -> str:
        """A FROM item yielding the field's values as `e(v)` text rows of the current document."""
        if field in document.COLUMNS:
            return f"unnest(ARRAY[d.{field}]) AS e(v)"
        if field in document.ARRAY_COLUMNS:
            return f"unnest(d.{field}) AS e(v)"
        name = self.param(field)
        if document.in_fields(field):
            return f"jsonb_array_elements_text(d.fields -> {name}) AS e(v)"
        return (
            "jsonb_array_elements_text(CASE jsonb_typeof(d.doc -> "
            f"{name}) WHEN 'array' THEN d.doc -> {name} "
            f"ELSE jsonb_build_array(d.doc -> {name}) END) AS e(v)"
        )

    @staticmethod
    def _any_value(values: str, condition: str) -> str:
        """True when one of the `values` (a FROM item of `_values`) meets `condition`."""
        return f"EXISTS (SELECT 1 FROM {values} WHERE {condition})"  # noqa: S608 -- both arguments are SQL built here from constants and bound parameters

    def _exists(self, field: str) -> str:
        if field in DATE_COLUMNS:
            return f"{DATE_COLUMNS[field]} IS NOT NULL"
        return self._any_value(self._values(field), "e.v IS NOT NULL")

    def exact(self, field: str, value: str) -> str:
        if field in DATE_COLUMNS:
            moment = parse_date(value)
            if moment is None:
                raise QueryError(f"Invalid date for {field}: {value!r}")
            return f"{DATE_COLUMNS[field]} = {self.param(moment)}"
        if field in document.COLUMNS:
            return f"d.{field} = {self.param(value)}"
        if field in document.ARRAY_COLUMNS:
            return f"d.{field} @> ARRAY[CAST({self.param(value)} AS text)]"
        if document.in_fields(field):
            # Every (field, value) of the `fields` document is a term the row carries inline
            # (facet_terms, GIN-indexed): the same rows as `fields @> {field: [value]}` without
            # reading `fields`, which lives out of line (migration 6f2d8b1c9e47). A value no
            # document carries has no term: ARRAY[NULL] is contained in no row.
            return (
                "d.facet_terms @> ARRAY[(SELECT t.id FROM sach_search_term AS t "  # noqa: S608 -- constant SQL, bound values
                f"WHERE t.field = {self.param(field)} AND t.value = {self.param(value)})]"
            )
        values = self._values(field)
        return self._any_value(values, f"e.v = {self.param(value)}")

    def _string_like(self, field: str, raw: str) -> str:
        pattern = []
        escaped = False
        for c in raw:
            if escaped:
                pattern.append("\\" + c if c in "%_\\" else c)
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == "*":
                pattern.append("%")
            elif c == "?":
                pattern.append("_")
            elif c in "%_":
                pattern.append("\\" + c)
            else:
                pattern.append(c)
        values = self._values(field)
        return self._any_value(values, f"e.v LIKE {self.param(''.join(pattern))}")

    def range(
        self,
        field: str | None,
        low: tree.Item | None,
        high: tree.Item | None,
        include_low: bool,
        include_high: bool,
    ) -> str:
        if field is None:
            raise QueryError("A range needs a field name, e.g. metadata_modified:[NOW-1DAY TO NOW]")
        bounds = [self._bound(low), self._bound(high)]
        if bounds == [None, None]:
            return self._exists(field)
        kind = _range_kind(field, [b for b in bounds if b is not None])
        converters: dict[str, Callable[[str], Any]] = {"date": parse_date, "number": _number,
                                                      "string": lambda b: b}
        convert = converters[kind]
        values = [convert(b) if b is not None else None for b in bounds]
        if any(v is None for v, b in zip(values, bounds, strict=True) if b is not None):
            raise QueryError(f"Invalid {kind} range for {field}")
        # the date columns (always of kind "date") are compared directly, on their index
        on_column = field in DATE_COLUMNS
        target = DATE_COLUMNS[field] if on_column else _RANGE_TARGETS[kind]
        conditions = []
        if values[0] is not None:
            conditions.append(f"{target} {'>=' if include_low else '>'} {self.param(values[0])}")
        if values[1] is not None:
            conditions.append(f"{target} {'<=' if include_high else '<'} {self.param(values[1])}")
        condition = " AND ".join(conditions)
        if on_column:
            return condition
        return self._any_value(self._values(field), condition)

    @staticmethod
    def _bound(item: tree.Item | None) -> str | None:
        if item is None:
            return None
        if isinstance(item, tree.Phrase):
            return item.unescaped_value[1:-1]
        # a word, or a negative number (`[-5 TO 5]`: a Prohibit of its digits)
        value = item.unescaped_value if isinstance(item, tree.Term) else _unescaped(str(item))
        return None if value == "*" else value
