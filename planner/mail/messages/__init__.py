"""What to send to whom when something changes: invitations, decisions, answers, updates,
cancellations and reminders, each written to the outbox in the transaction of its change.

Invitations, decisions and answers are enqueued by the operation (or view) that makes the
change. Updates and cancellations follow the calendars: whenever a slot's event gets a higher
SEQUENCE (its time, length, status, title, abstract or recommendations, or its meeting's link,
title or status changed) the change is noted as the session flushes, and just before the
transaction commits one message per recipient and slot is written, however many changes the
request made. A rolled-back change sends nothing.

Who gets what:
- the slot's invited presenter (with an email address) gets the REQUEST of the invitation, then
  an update REQUEST when what their calendar shows changes, and a CANCEL when the slot or its
  meeting is cancelled or deleted, when they decline, or when someone else is invited. This
  holds for drafts too: the presenter was sent the slot with the invitation, so their calendar
  must follow it. While their invitation has not reached them (it failed, found no mail
  server, or a co-lead discarded it while held) nothing else about the slot goes to them as its
  presenter (`outbox.undelivered_invitation`): the invitation, sent again, is written with the
  slot as it is then. One who is also a contact of the office hears of it meanwhile as the
  contacts do (`changes.invitation_discarded` brings their copy up to date once discarded).
- the presenting office's contacts hear of a slot only once its meeting is published (drafts are
  private), or once it is added to a published meeting or given to their office, or they
  become a contact of it: an update REQUEST (optional: one-click unsubscribe), and a CANCEL of
  what a REQUEST put in their calendar (also when the slot goes to another office, or their
  address stops being a contact). Their messages carry their office feed's SEQUENCE, never
  below what their calendar holds. A contact who
  unsubscribed from updates is sent nothing new, but still the CANCEL of an event a REQUEST put
  in their calendar: it only takes out what was put there, so no dead event stays.
- the volunteer gets the decision on their proposal; the co-leads get the presenters' answers.
- an office's contacts get its private calendar feed's address when a co-lead sends it
  (`feeds`).

One module per kind of message (`invitations`, `proposals`, `presenters`, `changes`,
`reminders`, `feeds`), over three they share: `addressing`, `waiting` (what the outbox still
holds for a slot and an address) and `writing` (a message and its calendar part written to the
outbox).
Two kinds write another's message: `changes` writes an unsent invitation again (`invitations`),
and `presenters` rewrites a settling update or sends a contact's copy (`changes`); `late`
says a message going late again as of when it goes (a reminder's how soon, `reminders`; an
office contact's news of a slot, `changes`; an invitation retried, as its talk now is,
`invitations`); `again`, a co-lead's "Send again", writes an
invitation or update again as the slot is now (both), and says the rest again (`late`).
Modules import only down that order, never back. This package names what the rest of the app
calls; pages that say what a save sends ask it (`news_for_contact`, `taken_from_contact` before
it, `written_now` after it), never by a rule of their own.
"""

from planner.mail.messages.addressing import (
    in_language,
    language_of,
    presenter_language,
    taskforce_address,
)
from planner.mail.messages.again import send_again, why_superseded
from planner.mail.messages.changes import (
    back_on_news,
    invitation_discarded,
    news_for_contact,
    taken_from_contact,
    track_changes,
    written_again,
    written_now,
)
from planner.mail.messages.feeds import (
    feed_contacts,
    feed_link,
    feed_link_revoked,
    kept_when_cleared,
    link_reached,
    working_links,
)
from planner.mail.messages.invitations import invitation, link_renewed
from planner.mail.messages.late import reword_due
from planner.mail.messages.presenters import (
    answered,
    link_revoked,
    presenter_replaced,
    zone_chosen,
)
from planner.mail.messages.proposals import (
    decision,
    invitation_mailed,
    invited_to_present,
    link_mailed,
    link_withdrawn,
    proposal_arrived,
    received,
)
from planner.mail.messages.reminders import enqueue_reminders
from planner.mail.messages.waiting import (
    SETTLE_AT_MOST,
    UPDATE_SETTLE,
    held_sequence,
    withdraw_waiting,
)
from planner.mail.messages.writing import (
    language_said,
    of_length_only,
    presenter_calendar_language,
    written_language,
)

__all__ = [
    "SETTLE_AT_MOST",
    "UPDATE_SETTLE",
    "answered",
    "back_on_news",
    "decision",
    "enqueue_reminders",
    "feed_contacts",
    "feed_link",
    "feed_link_revoked",
    "held_sequence",
    "in_language",
    "invitation",
    "invitation_discarded",
    "invitation_mailed",
    "invited_to_present",
    "kept_when_cleared",
    "language_of",
    "language_said",
    "link_mailed",
    "link_reached",
    "link_renewed",
    "link_revoked",
    "link_withdrawn",
    "news_for_contact",
    "of_length_only",
    "presenter_calendar_language",
    "presenter_language",
    "presenter_replaced",
    "proposal_arrived",
    "received",
    "reword_due",
    "send_again",
    "taken_from_contact",
    "taskforce_address",
    "track_changes",
    "why_superseded",
    "withdraw_waiting",
    "working_links",
    "written_again",
    "written_language",
    "written_now",
    "zone_chosen",
]
