"""Shared list mechanics: validated sort keys, page slicing and the total.

Totals are exact up to EXACT_TOTAL_LIMIT rows and estimated beyond (PostgreSQL's planner estimate of the same
query, never below the limit): counting 100,000 rows costs more than the whole page, and no one pages through
that many by number. An estimated total says so (`Total.estimated`; `"total_estimated": true` in X-Pagination).
"""

import json
from collections.abc import Callable

from sqlalchemy import Row, Select, func, inspect, literal, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal

from service.errors import ValidationFailed

EXACT_TOTAL_LIMIT = 1000


class Total(int):
    """How many rows a list matches; `estimated` when it is above EXACT_TOTAL_LIMIT and comes from statistics."""

    estimated = False


def apply_sort(query: Select, sort: str, columns: dict, tiebreak) -> Select:
    """Order by `sort` ("name" or "-created_at"); `columns` maps the allowed keys to columns."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    column = columns.get(key)
    if column is None:
        allowed = ", ".join(sorted(columns))
        raise ValidationFailed(
            f"cannot sort by {key!r}", errors={"sort": [f"one of {allowed}, optionally prefixed with '-'"]}
        )
    # The tiebreak keeps pages stable when many rows share a sort value.
    if descending:
        return query.order_by(column.desc(), tiebreak.desc())
    return query.order_by(column.asc(), tiebreak.asc())


def page_of(session: Session, query: Select, page: int, page_size: int) -> tuple[list, Total]:
    """One page of `query` and the number of rows it matches (see the module's note on totals)."""
    total = count(session, query)
    offset = (page - 1) * page_size
    if offset >= total and not total.estimated:
        return [], total  # past the end (also keeps absurd page numbers away from the database's integer limits)
    return list(session.scalars(query.limit(_inline(page_size)).offset(_inline(offset))).all()), total


def page_of_rows(session: Session, query: Select, page: int, page_size: int,
                 shown: Callable[[Select], Select]) -> tuple[list[Row], Total]:
    """page_of as plain rows, for reads that need no ORM objects: `shown(query)` is `query` selecting the columns
    a page shows, joined to the tables they come from."""
    total = count(session, query)
    offset = (page - 1) * page_size
    if offset >= total and not total.estimated:
        return [], total
    # The page's keys first (an index walk), then its rows joined to the rest: joined before the limit, the
    # database would join every matching row and sort them all.
    key = inspect(query.column_descriptions[0]["entity"]).primary_key[0]
    keys = query.with_only_columns(key).limit(_inline(page_size)).offset(_inline(offset)).subquery()
    return list(session.execute(shown(query).join(keys, key == keys.c[key.name])).all()), total


def _inline(number: int):
    """A limit or offset written into the SQL, not bound: psycopg prepares a statement run often, and PostgreSQL
    then plans it once for any limit, which for a page's joins was a plan twice as slow as one for LIMIT 50."""
    return literal_column(str(int(number)))


def count(session: Session, query: Select) -> Total:
    """The rows `query` matches: counted up to EXACT_TOTAL_LIMIT, estimated beyond."""
    rows = query.order_by(None).with_only_columns(literal(1), maintain_column_froms=True)
    counted = session.scalar(select(func.count()).select_from(rows.limit(_inline(EXACT_TOTAL_LIMIT + 1)).subquery()))
    if counted <= EXACT_TOTAL_LIMIT or session.get_bind().dialect.name != "postgresql":
        return Total(counted if counted <= EXACT_TOTAL_LIMIT else _count_all(session, rows))
    total = Total(max(EXACT_TOTAL_LIMIT + 1, _planned_rows(session, rows)))
    total.estimated = True
    return total


def _count_all(session: Session, rows: Select) -> int:
    return session.scalar(select(func.count()).select_from(rows.subquery()))


class _Explain(Executable, ClauseElement):
    """EXPLAIN (FORMAT JSON) of a statement, compiled (and cached) as SQLAlchemy compiles the statement itself."""

    inherit_cache = True
    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]
    _all_selected_columns = ()  # its one column is the plan, read by position

    def __init__(self, statement: Select):
        self.statement = statement


@compiles(_Explain)
def _compile_explain(element: _Explain, compiler, **kw) -> str:
    return f"EXPLAIN (FORMAT JSON) {compiler.process(element.statement, **kw)}"


def _planned_rows(session: Session, rows: Select) -> int:
    """The planner's estimate of how many rows `rows` returns (the statistics ANALYZE and autovacuum keep)."""
    plan = session.execute(_Explain(rows)).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def respond_with_page(pagination_parameters, list_function, *args):
    """For list views: call `list_function(*args, page, page_size)` and report its total to flask-smorest."""
    items, total = list_function(*args, pagination_parameters.page, pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return items
