"""Pieces of the query translation that need no database: Solr date math, `mm`, escaping."""
from __future__ import annotations

import datetime

import pytest

from ckanext.sach.search import query

pytestmark = pytest.mark.unit

NOW = datetime.datetime(2024, 5, 17, 13, 45, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOW", NOW),
        ("NOW-1DAY", NOW - datetime.timedelta(days=1)),
        ("NOW-2YEARS", NOW.replace(year=2022)),
        ("NOW/DAY", NOW.replace(hour=0, minute=0, second=0)),
        ("NOW/DAY+1DAY", NOW.replace(day=18, hour=0, minute=0, second=0)),
        ("NOW/MONTH-1MONTH", NOW.replace(month=4, day=1, hour=0, minute=0, second=0)),
        ("2020-01-01T00:00:00Z", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("2020-01-31T00:00:00Z+1MONTH",
         datetime.datetime(2020, 2, 29, tzinfo=datetime.UTC)),
        ("2021-06-01", datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC)),
        ("ayer", None),
        ("NOW-1FORTNIGHT", None),
        ("NOW+", None),
    ],
)
def test_date_math(text: str, expected: datetime.datetime | None) -> None:
    assert query.parse_date(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("spec", "clauses", "required"),
    [
        ("2<-1 5<80%", 1, 1),
        ("2<-1 5<80%", 2, 2),
        ("2<-1 5<80%", 3, 2),
        ("2<-1 5<80%", 5, 4),
        ("2<-1 5<80%", 10, 8),
        ("100%", 4, 4),
        ("1", 4, 1),
        ("-1", 4, 3),
        ("-25%", 4, 3),
        ("", 3, 3),
    ],
)
def test_minimum_should_match(spec: str, clauses: int, required: int) -> None:
    assert query.min_should_match(spec, clauses) == required


@pytest.mark.parametrize("spec", ["lots", "2<", "x<50%", "2<-1 five<80%"])
def test_invalid_mm_is_a_query_error(spec: str) -> None:
    with pytest.raises(query.QueryError):
        query.min_should_match(spec, 4)


def test_dismax_keeps_only_its_own_syntax() -> None:
    assert query.escape_dismax("año 2020/2021 ¿qué?") == "año 2020\\/2021 ¿qué\\?"
    assert query.escape_dismax('"a b" +c -d (e OR f*)') == '"a b" +c -d (e OR f*)'


def test_values_never_enter_the_sql_text() -> None:
    builder = query.QueryBuilder("spanish")
    attack = "x') OR 1=1; DROP TABLE package; --"
    sql = " ".join(
        [
            builder.fq_clause(f'tags:"{attack}"'),
            builder.fq_clause("DROP_TABLE_package;--:y"),
            builder.q_clause(f'"{attack}"', "dismax", None),
        ]
    )
    assert "DROP" not in sql and "1=1" not in sql and "package;" not in sql
    assert any(attack in str(value) for value in builder.params.values())


def test_sort_fields_reach_sql_only_as_parameters() -> None:
    builder = query.QueryBuilder("spanish")
    with pytest.raises(query.QueryError, match="Unknown sort field"):
        builder.order_by("pass'word desc", "0")
    with pytest.raises(query.QueryError, match="needs a direction"):
        builder.order_by("name", "0")
    with pytest.raises(query.QueryError, match="multivalued"):
        builder.order_by("tags asc", "0")
    # Any other field sorts like Solr's catch-all dynamic string field, named by a parameter.
    assert "view_recent" not in builder.order_by("view_recent desc", "0")
    assert "view_recent" in builder.params.values()
    assert "d.title_sort DESC" in builder.order_by("title_string desc", "0")


def test_queries_parse_alike_in_many_threads_at_once():
    """gunicorn's threads parse at the same time: every one gets its own query's tree (PLY's
    lexer is shared state; a parser without luqum's per-thread lexer mixes queries up)."""
    import sys
    import threading

    texts = [f'title:"agua potable {i}" AND (tags:salud{i} OR res_format:CSV) -organization:dep{i} '
             f"metadata_modified:[NOW-{i}DAY TO NOW]" for i in range(240)]
    expected = [repr(query.parse.__wrapped__(text)) for text in texts]
    wrong: list[int] = []

    def parse_share(first: int) -> None:
        for i in range(first, len(texts), 8):
            if repr(query.parse.__wrapped__(texts[i])) != expected[i]:
                wrong.append(i)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(3):
            threads = [threading.Thread(target=parse_share, args=(k,)) for k in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
