"""Pages of a long answer: which page was asked for, how long pages are, and which exist.

Every listing that grows with use (the square of the survey's offices, for matches; the
proposals) is answered a page at a time, so no request costs more than one page's work. The
JSON API's listings say so alike (`api_page`): README, "Pages of an API answer".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request, url_for
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


# An API listing's page: `per_page` items unless asked otherwise, at most API_MAX_PER_PAGE.
API_PER_PAGE = 100
API_MAX_PER_PAGE = 500
_API_SIZE_NAME = "per_page"


def api_requested() -> tuple[int, int]:
    """(page number, page size) an API listing was asked for: ?page= and ?per_page=."""
    return requested(
        request.args, size=API_PER_PAGE, max_size=API_MAX_PER_PAGE, size_name=_API_SIZE_NAME
    )


def api_page(page: Page) -> dict:
    """What an API listing says of its page: `count` items in all, `page` of `pages`,
    `per_page`, and `next` and `previous` as paths on this site with the request's own query
    (None at the ends), its page size as read ("?per_page=%20%201" is "per_page=1")."""

    def address(number: int | None) -> str | None:
        if number is None:
            return None
        # The query is written here, not by url_for, which reads names such as "_method",
        # "_external" or "_anchor" as its own arguments.
        # Every value of a name given twice is kept ("?office=AU&office=JP"); the page size
        # once, as read.
        kept = request.args.copy()
        kept.pop("page", None)
        if _API_SIZE_NAME in kept:
            kept[_API_SIZE_NAME] = str(page.size)
        query = urlencode([*kept.items(multi=True), ("page", number)])
        return url_for(request.endpoint, **(request.view_args or {})) + "?" + query

    return {
        "count": page.total,
        "page": page.number,
        "pages": page.pages,
        "per_page": page.size,
        "next": address(page.next),
        "previous": address(page.previous),
    }


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
