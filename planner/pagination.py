"""Pages of a long answer: which page was asked for, how long pages are, and which exist.

Every public listing that grows with the survey (the square of its offices, for matches) is
answered a page at a time, so no anonymous request costs more than one page's work.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from planner.db_types import db_int
from planner.errors import NotFoundError, PlannerError
from planner.extensions import db


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) of `total` items, `size` to a page."""

    number: int
    size: int
    total: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return self.number * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    def check(self) -> "Page":
        """This page, if it exists (page 1 always does, if empty); 404 otherwise."""
        if self.number > self.pages:
            raise NotFoundError(
                f"There is no page {self.number}: there {_are(self.pages)}.", field="page"
            )
        return self


def paged(query: Select, number: int, size: int) -> tuple[Page, list]:
    """Page `number` of what `query` selects, in its order (404 past the last page): the page,
    counted in the database, and its items, the only rows read."""
    page = Page(number, size, counted(query)).check()
    return page, list(db.session.scalars(query.offset(page.start).limit(page.size)))


def counted(query: Select) -> int:
    """How many rows `query` selects, counted in the database."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _are(pages: int) -> str:
    return "is 1 page" if pages == 1 else f"are {pages} pages"


def requested(
    args: Mapping[str, str], *, size: int, max_size: int, size_name: str | None = None
) -> tuple[int, int]:
    """(page number, page size) from ?page= and, if the caller may choose it, ?<size_name>=.

    A page size above `max_size` is refused (400), not quietly cut: the caller learns at once
    that it must follow the `next` pages."""
    number = _whole(args, "page", 1, "page is a page number: 1, 2, ...")
    if size_name is not None:
        size = _whole(
            args,
            size_name,
            size,
            f"{size_name} is a number of items per page, from 1 to {max_size}.",
        )
        if size > max_size:
            raise PlannerError(
                f"{size_name} is at most {max_size}; ask for the next pages (`next`) for more.",
                field=size_name,
            )
    return number, size


def _whole(args: Mapping[str, str], name: str, default: int, message: str) -> int:
    given = (args.get(name) or "").strip()
    if not given:
        return default
    try:
        number = db_int(given)
    except ValueError:
        raise PlannerError(message, field=name) from None
    if number < 1:
        raise PlannerError(message, field=name)
    return number
