"""Reading and editing recommendations."""

from sqlalchemy import select

from planner.db_types import utcnow
from planner.extensions import db
from planner.recommendations.models import Recommendation
from planner.versioning import changed_columns


def all_recommendations() -> list[Recommendation]:
    return list(db.session.scalars(select(Recommendation).order_by(Recommendation.number)))


def update_recommendation(
    recommendation: Recommendation, *, short_title: str, text: str, editor: str | None
) -> None:
    """Save a co-lead's wording; the provenance then names the editor instead of the seed."""
    recommendation.short_title = short_title.strip()
    recommendation.text = text.strip()
    if changed_columns(recommendation):  # saved unchanged: no new version
        recommendation.updated_by = editor
        recommendation.updated_at = utcnow()
