"""The outbox page's one setting."""

from wtforms import BooleanField

from planner.forms import PlannerForm


class HoldForm(PlannerForm):
    hold_invitations = BooleanField(
        "Hold invitations for review",
        description="New invitations wait here until a co-lead sends them; other messages go.",
    )
