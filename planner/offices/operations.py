"""Reading and editing offices."""

from sqlalchemy import or_, select

from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import Office


def find_offices(text: str = "") -> list[Office]:
    """Offices whose code, name or city contains `text` (all offices for an empty text)."""
    query = select(Office).order_by(Office.code)
    needle = text.strip()
    if needle:
        pattern = f"%{needle}%"
        query = query.where(
            or_(Office.code.ilike(pattern), Office.name.ilike(pattern), Office.city.ilike(pattern))
        )
    return list(db.session.scalars(query))


def update_office(
    office: Office,
    *,
    name: str,
    city: str,
    time_zone: str,
    size: str,
    region: str,
    editor: str | None,
) -> None:
    office.name = name.strip()
    office.city = city.strip() or None
    office.time_zone = time_zone.strip() or None
    office.size = size or None
    office.region = region or None
    office.updated_by = editor
    office.updated_at = utcnow()
    db.session.commit()
