"""Shared list mechanics: validated sort keys, page slicing and the total count."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.errors import ValidationFailed


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


def page_of(session: Session, query: Select, page: int, page_size: int) -> tuple[list, int]:
    """One page of `query` and the total number of rows it matches."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    offset = (page - 1) * page_size
    if offset >= total:
        return [], total  # past the end (also keeps absurd page numbers away from the database's integer limits)
    items = session.scalars(query.limit(page_size).offset(offset)).all()
    return list(items), total


def respond_with_page(pagination_parameters, list_function, *args):
    """For list views: call `list_function(*args, page, page_size)` and report its total to flask-smorest."""
    items, total = list_function(*args, pagination_parameters.page, pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return items
