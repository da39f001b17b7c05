"""The outbox page's one setting."""

from wtforms import BooleanField, HiddenField

from planner.forms import PlannerForm


class HoldForm(PlannerForm):
    hold_invitations = BooleanField(
        "Hold invitations for review",
        description="New invitations wait here until a co-lead sends them; other messages go.",
    )
    # The setting as the page showed it ("1" or "0"): a save from a page opened before another
    # co-lead changed it would otherwise undo their change unseen.
    shown = HiddenField()
