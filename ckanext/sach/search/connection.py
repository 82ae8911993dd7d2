"""A pysolr-compatible connection whose index lives in PostgreSQL (table `sach_search_doc`).

CKAN's `PackageSearchIndex` and `PackageSearchQuery` prepare documents and queries and then only
call `add`, `delete`, `commit` and `search` on the object returned by `make_connection()`; this class
answers those calls. Writes go through CKAN's own SQLAlchemy session, so a dataset and its index
document are committed (or rolled back) in the same transaction.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import pysolr
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from ckan import model
from ckan.lib.search.common import SearchError, solr_datetime_decoder

from ckanext.sach.cache import Fill
from ckanext.sach.search import cache, document, replica, visibility
from ckanext.sach.search import config as search_config
from ckanext.sach.search.query import QueryBuilder, QueryError

log = logging.getLogger(__name__)

TABLE_MISSING = (
    "The search table sach_search_doc does not exist: run `ckan db upgrade -p sach_pgsearch`"
)

_VECTOR = " || ".join(
    f"sach_search_tsvector(CAST(:cfg AS regconfig), :text_{w.lower()}, '{w}')" for w in "ABCD"
)

UPSERT = sa.text(
    f"""
    INSERT INTO sach_search_doc AS t (
        index_id, id, site_id, name, state, capacity, dataset_type, permission_labels,
        metadata_created, metadata_modified, title_sort,
        doc, fields, data_dict, validated_data_dict, tsv, indexed_at)
    VALUES (
        :index_id, :id, :site_id, :name, :state, :capacity, :dataset_type,
        CAST(:permission_labels AS text[]), :metadata_created, :metadata_modified, :title_sort,
        CAST(:doc AS jsonb), CAST(:fields AS jsonb), :data_dict, :validated_data_dict,
        {_VECTOR}, now())
    ON CONFLICT (index_id) DO UPDATE SET
        id = EXCLUDED.id, site_id = EXCLUDED.site_id, name = EXCLUDED.name,
        state = EXCLUDED.state, capacity = EXCLUDED.capacity,
        dataset_type = EXCLUDED.dataset_type, permission_labels = EXCLUDED.permission_labels,
        metadata_created = EXCLUDED.metadata_created,
        metadata_modified = EXCLUDED.metadata_modified, title_sort = EXCLUDED.title_sort,
        doc = EXCLUDED.doc, fields = EXCLUDED.fields, data_dict = EXCLUDED.data_dict,
        validated_data_dict = EXCLUDED.validated_data_dict, tsv = EXCLUDED.tsv,
        indexed_at = EXCLUDED.indexed_at
    """  # noqa: S608 -- the weights are constants of this module; values are bound
)


# Whether the facet counts of the latest search in this context were estimated from a sample
# (see `_Plan._sample_filter`); set by every search, read by the pages and `package_search`.
_facets_estimated: ContextVar[bool] = ContextVar("sach_facets_estimated", default=False)


def facets_estimated() -> bool:
    """Whether the facet counts of the latest search run in this context are estimates."""
    return _facets_estimated.get()


class Results:
    """The subset of `pysolr.Results` that CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]) -> None:
        self.docs = docs
        self.hits = hits
        self.facets = facets
        self.raw_response = {
            "response": {"numFound": hits, "docs": docs},
            "facet_counts": facets,
        }

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


def _is_missing_table(error: Exception) -> bool:
    return "sach_search_doc" in str(error) and "does not exist" in str(error)


def _table_exists() -> bool:
    return bool(
        model.Session.execute(sa.text("SELECT to_regclass('sach_search_doc') IS NOT NULL")).scalar()
    )


_ORM_WRITES = "sach_orm_writes"


def _has_pending_work(scoped: Any) -> bool:
    """Whether the session's transaction holds uncommitted changes that an index write must
    commit (or roll back) with: unflushed or flushed ORM changes, ORM bulk statements, or earlier
    index writes."""
    session = scoped()
    if session.info.get(_ORM_WRITES) or cache.is_dirty():
        return True
    if session.new or session.dirty or session.deleted:
        return True
    return session.in_nested_transaction()


def _mark_orm_writes(session: Any, *args: Any) -> None:
    session.info[_ORM_WRITES] = True


def _on_orm_execute(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_ORM_WRITES] = True


def _forget_orm_writes(session: Any, *args: Any) -> None:
    session.info.pop(_ORM_WRITES, None)


def listen() -> None:
    """Follow CKAN's session: which transactions have uncommitted ORM work (once, at install)."""
    if sa.event.contains(model.Session, "after_flush", _mark_orm_writes):
        return
    sa.event.listen(model.Session, "after_flush", _mark_orm_writes)
    sa.event.listen(model.Session, "do_orm_execute", _on_orm_execute)
    sa.event.listen(model.Session, "after_commit", _forget_orm_writes)
    sa.event.listen(model.Session, "after_rollback", _forget_orm_writes)


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"Parameter {name} must be an integer, got {value!r}") from None
    return number


def _field_list(fl: Any) -> list[str] | None:
    if fl is None or fl == "":
        return None
    items = fl if isinstance(fl, (list, tuple)) else [fl]
    names: list[str] = []
    for item in items:
        names.extend(str(item).replace(",", " ").split())
    return names or None


def _fq_list(fq: Any) -> list[Any]:
    if fq is None:
        return []
    if isinstance(fq, (list, tuple)):
        return list(fq)
    return [fq]


class PgSearchConnection:
    """Stands in for `pysolr.Solr` (see module docstring)."""

    url = "postgresql://sach_search_doc"

    def __init__(self, decode_dates: bool = True) -> None:
        self.decode_dates = decode_dates

    # -- writing --------------------------------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool | None = None, **kwargs: Any) -> str:
        """Upsert documents: in the caller's transaction when it has uncommitted work (an action
        indexes before it commits, so dataset and document commit or roll back together), else
        committed at once when CKAN asks for a commit (`search-index`, a direct `index_package`)."""
        rows = [dict(document.to_row(doc), cfg=search_config.text_config()) for doc in docs]
        if not rows:
            return ""
        standalone = bool(commit) and not _has_pending_work(model.Session)
        try:
            model.Session.execute(UPSERT, rows)
        except sa_exc.DBAPIError as e:
            if standalone:
                model.Session.rollback()
            if _is_missing_table(e):
                raise pysolr.SolrError(TABLE_MISSING) from e
            raise pysolr.SolrError(f"Could not index dataset: {e.orig}") from e
        cache.mark_dirty()
        if standalone:
            model.Session.commit()
        return ""

    def delete(
        self,
        id: str | list[str] | None = None,
        q: str | None = None,
        commit: bool | None = None,
        **kwargs: Any,
    ) -> str:
        """Delete documents, in the caller's transaction or committed at once (see `add`).

        Without the search table (`ckan db clean` drops it before clearing the index) there is
        nothing to delete: the table is created again, empty, like a Solr core that survives."""
        if id is None and q is None:
            raise ValueError("You must specify 'id' or 'q'.")
        builder = QueryBuilder(search_config.text_config())
        if id is not None:
            ids = [id] if isinstance(id, str) else list(id)
            where = f"d.index_id = ANY(CAST({builder.param(ids)} AS text[]))"
        else:
            try:
                where = builder.fq_clause(q)
            except SearchError as e:
                raise pysolr.SolrError(str(e)) from e
        statement = sa.text(f"DELETE FROM sach_search_doc AS d WHERE {where}")  # noqa: S608 -- constant SQL, bound values
        standalone = bool(commit) and not _has_pending_work(model.Session)
        if not _table_exists():
            from ckanext.sach.search import schema

            schema.ensure()
            cache.bump()
            return ""
        try:
            model.Session.execute(statement, builder.params)
        except sa_exc.DBAPIError as e:
            if standalone:
                model.Session.rollback()
            if _is_missing_table(e):
                raise pysolr.SolrError(TABLE_MISSING) from e
            raise pysolr.SolrError(f"Could not delete from the search index: {e.orig}") from e  # noqa: S608 -- an error message, not SQL
        cache.mark_dirty()
        if standalone:
            model.Session.commit()
        return ""

    def commit(self, *args: Any, **kwargs: Any) -> str:
        """Explicit commits (end of `search-index rebuild`, `clear`) commit CKAN's session, fold
        the tally's deltas (exact either way; fewer rows to sum) and refresh the planner's
        statistics, which bulk changes make stale."""
        model.Session.commit()
        try:
            model.Session.execute(sa.text("SELECT sach_search_tally_compact()"))
            model.Session.commit()
            model.Session.execute(sa.text("ANALYZE sach_search_doc"))
            model.Session.execute(sa.text("ANALYZE sach_search_tally"))
            model.Session.commit()
        except sa_exc.DBAPIError as e:  # an optimisation, never an error
            model.Session.rollback()
            log.warning("Could not compact or analyze the search tables: %s", e.orig)
        return ""

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def ping(self) -> bool:
        model.Session.execute(sa.text("SELECT 1 FROM sach_search_doc LIMIT 1"))
        return True

    # -- searching ------------------------------------------------------------------------------
    def search(self, q: str | None = None, search_handler: str | None = None, **params: Any):
        plan = _plan(q, params)
        statement = sa.text(plan.sql())
        with cache.lookup(
            statement.text,
            {**plan.builder.params, "_fl": plan.fl,
             "_facet": [plan.facet_limit, plan.facet_sort], "_dates": self.decode_dates},
        ) as fill:
            if not fill.hit:
                fill.value = self._run(statement, plan, fill)
        answer = fill.value
        _facets_estimated.set(bool(answer.get("facets_estimated")))
        return Results(self._decoded(answer["docs"]), answer["hits"], {"facet_fields": answer["facets"]})

    def _run(self, statement: Any, plan: _Plan, fill: Fill) -> dict[str, Any]:
        """Run the search query; its answer is cached unless it was read on a replica that may
        lag (see `replica.execute`)."""
        try:
            rows_out, cache_key = replica.execute(model.Session, statement, plan.builder.params, fill.key)
        except sa_exc.DBAPIError as e:
            if _is_missing_table(e):
                raise SearchError(TABLE_MISSING) from None
            log.warning("Search query failed: %s", e.orig)
            raise SearchError("The search query could not be run") from None
        hits = next((int(r["c"]) for r in rows_out if r["kind"] == 0), 0)
        # kind 3: how many matches the facets counted (fewer than the hits: a sample)
        counted = next((int(r["c"]) for r in rows_out if r["kind"] == 3), hits)
        facet_rows = [(r["f"], r["v"], r["c"]) for r in rows_out if r["kind"] == 1]
        result_rows = sorted((r for r in rows_out if r["kind"] == 2), key=lambda r: r["rn"])
        estimated = 0 < counted < hits
        answer = {
            "docs": [self._doc(row, plan.fl, plan.want_all) for row in result_rows],
            "hits": int(hits),
            "facets": self._facets(
                plan.facet_fields, facet_rows, plan,
                scale=hits / counted if estimated else 1.0,
            ),
            "facets_estimated": estimated,
        }
        if cache_key is not None:
            fill.put(answer)
        return answer

    def _decoded(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """With `decode_dates` (CKAN's default connection) Solr-formatted date strings come back
        as `datetime` objects, as CKAN's JSON decoder for Solr answers makes them."""
        if not self.decode_dates:
            return docs
        return [solr_datetime_decoder(dict(doc)) for doc in docs]

    @staticmethod
    def _facets(
        fields: list[str], rows: list[Any], plan: _Plan, scale: float = 1.0
    ) -> dict[str, list[Any]]:
        """Facet counts by field, as Solr lists them; counts from a sample are scaled to the
        hits (a value seen in the sample counts at least 1) before `facet.mincount` applies."""
        limit, sort = plan.facet_limit, plan.facet_sort
        grouped: dict[str, list[tuple[str, int]]] = {f: [] for f in fields}
        for field, value, count in rows:
            scaled = max(1, math.floor(int(count) * scale + 0.5))
            if scaled >= plan.facet_mincount:
                grouped[field].append((value, scaled))
        out: dict[str, list[Any]] = {}
        for field, values in grouped.items():
            if sort == "index":
                values.sort(key=lambda vc: vc[0])
            else:
                values.sort(key=lambda vc: (-vc[1], vc[0]))
            kept = values[:limit] if limit >= 0 else values
            flat: list[Any] = []
            for value, count in kept:
                flat.extend((value, count))
            out[field] = flat
        return out

    @staticmethod
    def _doc(row: Any, fl: list[str] | None, want_all: bool) -> dict[str, Any]:
        stored = dict(row["doc"])
        for apart in document.STORED_APART:
            if apart in row and row[apart] is not None:
                stored[apart] = row[apart]
        if fl is not None and "score" in fl:
            stored["score"] = float(row["score"] or 0)
        if want_all:
            return stored
        assert fl is not None
        return {name: stored[name] for name in fl if name in stored}


def _facet_fields(params: dict[str, Any]) -> list[str]:
    if str(params.get("facet", "true")).lower() not in ("true", "on", "1", "yes"):
        return []
    fields = params.get("facet.field") or []
    if isinstance(fields, str):
        fields = [fields]
    if not isinstance(fields, (list, tuple)) or not all(isinstance(f, str) for f in fields):
        raise QueryError("facet.field must be a list of field names")
    return list(dict.fromkeys(fields))


# Every part of a search statement returns these columns (UNION ALL): kind 0 is the hit count
# (c), kind 1 a facet value (f, v, c), kind 2 a result row (doc, stored-apart columns, score, rn),
# kind 3 how many matches the facets counted (c; fewer than the hits when they were sampled).
_COUNT_COLUMNS = (
    "{kind} AS kind, NULL::text AS f, NULL::text AS v, CAST({count} AS bigint) AS c, NULL::jsonb AS doc, "
    "NULL::text AS data_dict, NULL::text AS validated_data_dict, NULL::real AS score, "
    "NULL::bigint AS rn"
)
_FACET_ROW = "SELECT 1, t.field, t.value, x.c, NULL, NULL, NULL, NULL, NULL FROM ({counts}) AS x "
_PAGE = (
    "SELECT 2, NULL, NULL, NULL, d.doc, {apart}, p.score, p.rn "
    "FROM (SELECT s.index_id, s.score, row_number() OVER () AS rn FROM ({inner}) AS s) AS p "
    "JOIN sach_search_doc AS d ON d.index_id = p.index_id"
)


@dataclass
class _Plan:
    """One search: its WHERE clause, order, page and facets, and the SQL that answers it."""

    builder: QueryBuilder
    where_sql: str
    rank: str
    keys: list[tuple[str, str]]
    rows: int
    start: int
    fl: list[str] | None
    facet_fields: list[str]
    facet_limit: int
    facet_mincount: int
    facet_sort: str
    listing: visibility.Visibility | None
    facet_sample: int = 0

    @property
    def want_all(self) -> bool:
        return self.fl is None or "*" in self.fl

    def sql(self) -> str:
        if self.listing is not None:
            return self._tally_sql(self.listing)
        if self.facet_fields:
            return self._one_pass_sql()
        return self._count_and_page_sql()

    # -- the parts ------------------------------------------------------------------------------
    def _limit(self) -> str:
        return f"LIMIT {self.builder.param(self.rows)} OFFSET {self.builder.param(self.start)}"

    def _page(self, inner: str) -> str:
        apart = ", ".join(
            f"d.{name}" if self.want_all or name in (self.fl or ()) else f"NULL::text AS {name}"
            for name in document.STORED_APART
        )
        return _PAGE.format(apart=apart, inner=inner)

    def _ordered_page(self) -> str:
        """The page read in the order of an index where one fits (newest first: the listing
        index), stopping after the page."""
        ordering = ", ".join(f"{e} {direction} NULLS LAST" for e, direction in self.keys)
        return self._page(
            f"SELECT d.index_id, CAST({self.rank} AS real) AS score "  # noqa: S608 -- constant SQL, bound values
            f"FROM sach_search_doc AS d WHERE {self.where_sql} ORDER BY {ordering} {self._limit()}"
        )

    def _term_filter(self) -> str:
        return f"t.field = ANY(CAST({self.builder.param(self.facet_fields)} AS text[]))"

    def _tally_sql(self, listing: visibility.Visibility) -> str:
        """A search filtered only by visibility: the count and the facets are sums over the
        tally's classes (exact, see `visibility`), the page an ordered scan with a limit."""
        classes = listing.where(self.builder)
        parts = [
            f"SELECT {_COUNT_COLUMNS.format(kind=0, count='COALESCE(sum(y.n), 0)')} "  # noqa: S608 -- constant SQL, bound values
            f"FROM sach_search_tally AS y WHERE y.term = 0 AND {classes}"
        ]
        if self.facet_fields:
            counts = (
                "SELECT y.term, CAST(sum(y.n) AS bigint) AS c FROM sach_search_tally AS y "  # noqa: S608 -- constant SQL, bound values
                f"WHERE y.term <> 0 AND {classes} GROUP BY y.term "
                f"HAVING sum(y.n) >= {self.builder.param(self.facet_mincount)}"
            )
            parts.append(
                _FACET_ROW.format(counts=counts)
                + f"JOIN sach_search_term AS t ON t.id = x.term WHERE {self._term_filter()}"
            )
        if self.rows:
            parts.append(self._ordered_page())
        return " UNION ALL ".join(parts)

    def _count_and_page_sql(self) -> str:
        """No facets: the count and the page are separate scans, so that an index in the
        page's order stops after the page, and the count reads only an index where one covers
        the filters."""
        parts = [
            f"SELECT {_COUNT_COLUMNS.format(kind=0, count='count(*)')} "  # noqa: S608 -- constant SQL, bound values
            f"FROM sach_search_doc AS d WHERE {self.where_sql}"
        ]
        if self.rows:
            parts.append(self._ordered_page())
        return " UNION ALL ".join(parts)

    def _sample_filter(self) -> str:
        """The matches whose facet terms are counted: all of them up to `facet_sample` matches,
        else a uniform sample of about that many (`m.h`: 20 bits of the hash of index_id, an md5
        hex digest, so they spread evenly; the same query always draws the same sample)."""
        if not self.facet_sample:
            return "TRUE"
        size = self.builder.param(self.facet_sample)
        return f"(n.c <= {size} OR m.h < {size} * 1048576.0 / NULLIF(n.c, 0))"

    def _one_pass_sql(self) -> str:
        """One pass over the matching rows (m) gives the hit count (n), the facets (f) and the
        page; facets count the integer terms each row carries (see sach_search_term), over every
        match or a sample of them (term 0, which every row counts once, is the number of rows
        counted), and only the page's rows fetch their stored documents."""
        matched = ["d.index_id", f"CAST({self.rank} AS real) AS score", "d.facet_terms"]
        if self.facet_sample:
            matched.append("hashtext(d.index_id) & 1048575 AS h")
        # Sort keys the row already carries are not stored twice: ts_rank is real already, so a
        # sort on the rank reuses `score` (ranked once per row), and the tie-breaker index_id
        # is the row's own column (less to keep per match of a broad query).
        reused = {self.rank: "m.score", "d.index_id": "m.index_id"}
        matched += [f"{e} AS o{i}" for i, (e, _d) in enumerate(self.keys) if e not in reused]
        ordering = ", ".join(
            f"{reused.get(e, f'm.o{i}')} {direction} NULLS LAST"
            for i, (e, direction) in enumerate(self.keys)
        )
        # unnest in the select list (one set-returning projection over m) costs less per term
        # than a lateral function scan per row
        counted = (
            "f AS MATERIALIZED (SELECT e.term, count(*) AS c FROM (SELECT "  # noqa: S608 -- constant SQL, bound values
            f"unnest(array_prepend(0, m.facet_terms)) AS term FROM m, n WHERE {self._sample_filter()}) "
            "AS e GROUP BY e.term)"
        )
        # from a sample, facet.mincount applies to the scaled counts (see `_facets`)
        mincount = 1 if self.facet_sample else self.facet_mincount
        facet_counts = f"SELECT f.term, f.c FROM f WHERE f.c >= {self.builder.param(mincount)}"  # noqa: S608 -- constant SQL, bound values
        parts = [
            f"SELECT {_COUNT_COLUMNS.format(kind=0, count='n.c')} FROM n",  # noqa: S608 -- constant SQL, bound values
            f"SELECT {_COUNT_COLUMNS.format(kind=3, count='f.c')} FROM f WHERE f.term = 0",  # noqa: S608 -- constant SQL, bound values
            _FACET_ROW.format(counts=facet_counts)
            + f"JOIN sach_search_term AS t ON t.id = x.term WHERE {self._term_filter()}",
        ]
        if self.rows:
            parts.append(
                self._page(f"SELECT m.index_id, m.score FROM m ORDER BY {ordering} {self._limit()}")  # noqa: S608 -- constant SQL, bound values
            )
        return (
            f"WITH m AS MATERIALIZED (SELECT {', '.join(matched)} "  # noqa: S608 -- constant SQL, bound values
            f"FROM sach_search_doc AS d WHERE {self.where_sql}), "
            f"n AS MATERIALIZED (SELECT count(*) AS c FROM m), {counted} "
            + " UNION ALL ".join(parts)
        )


def _plan(q: str | None, params: dict[str, Any]) -> _Plan:
    """Read the Solr parameters CKAN sends into a `_Plan` (QueryError for bad ones)."""
    builder = QueryBuilder(search_config.text_config(), params.get("q.op") or "AND")
    rows = _int_param(params, "rows", 10)
    start = _int_param(params, "start", 0)
    if rows < 0:
        raise QueryError(f"Parameter rows must not be negative, got {rows}")
    if start < 0:
        raise QueryError(f"Parameter start must not be negative, got {start}")
    fqs = _fq_list(params.get("fq"))
    where = [builder.q_clause(q, params.get("defType"), params.get("mm"))]
    where.extend(builder.fq_clause(fq) for fq in fqs)
    rank = builder.rank_expression()
    facet_limit = _int_param(params, "facet.limit", 50)
    return _Plan(
        builder=builder,
        where_sql=" AND ".join(f"({w})" for w in where if w != "TRUE") or "TRUE",
        rank=rank,
        keys=builder.order_keys(params.get("sort"), rank),
        rows=rows,
        start=start,
        fl=_field_list(params.get("fl")),
        facet_fields=_facet_fields(params),
        facet_limit=facet_limit,
        facet_mincount=max(1, _int_param(params, "facet.mincount", 1)),
        facet_sort=str(params.get("facet.sort") or ("count" if facet_limit > 0 else "index")),
        listing=visibility.classify(q, fqs, builder.default_operator),
        facet_sample=search_config.facet_sample_size(),
    )
