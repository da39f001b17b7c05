"""The slot to invite a presenter to, and the presenter's browser (tests/presenters/support.py);
the mail server with Kim, AU's contact, turning mail away (tests/mail/test_late_messages.py)."""

from tests.mail.test_late_messages import smtp as smtp
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import presenter as presenter
from tests.presenters.support import slot as slot
