"""An outbox row as the email it is sent as, with the standard library's `email` package only:
text and HTML alternatives, and for a calendar message the iMIP parts of RFC 6047 (a
`text/calendar; method=...` alternative that mail clients act on, and the same object attached
as invite.ics); optional kinds carry RFC 8058's one-click unsubscribe headers. Addresses carry
an internationalised domain in its ASCII form, which every mail server routes."""

import re
from datetime import datetime
from email.errors import HeaderParseError, NonASCIILocalPartDefect
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy, default
from email.utils import format_datetime, parseaddr
from typing import Protocol

from planner.addresses import AddressError, ascii_domain
from planner.mail.imip import with_organizer
from planner.mail.models import language_tag


class Letter(Protocol):
    """What composing reads of a message (an OutboxMessage has it all)."""

    recipient_name: str
    recipient_email: str
    language: str
    subject: str
    text_body: str
    html_body: str | None
    ics: str | None
    ics_method: str | None
    message_id: str


class ComposeError(ValueError):
    """The message cannot be sent as it is (an address that is not one, or one the mail server
    cannot take): sending it again would not help."""


# A run of spaces and line breaks of any kind, but for the no-break spaces: French writes one
# before its colon ("Invitation à présenter : ..."), which no mail client should wrap at.
_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def _one_line(value: str) -> str:
    # Header values are one line: a stored line break must never start a header of its own.
    # Nor may text that reads as an RFC 2047 encoded word ("=?utf-8?b?...?=", printable, so
    # every form takes it): Python decodes one as the header is set, and mail programs as it is
    # read, so a title typed so reached the reader as what it encodes, with its line breaks
    # written as headers of their own (a Reply-To) on Python 3.11. An invisible word joiner
    # after each "=?"'s "=" keeps it text.
    return _SPACES.sub(" ", value).strip().replace("=?", "=\u2060?")


def smtp_address(email: str) -> str:
    """The address as the envelope and headers carry it (see `planner.addresses.ascii_domain`)."""
    try:
        return ascii_domain(email)
    except AddressError as error:
        raise ComposeError(f"not an email address: {error}") from None


def recipient_address(name: str, email: str) -> Address:
    address = smtp_address(email)
    try:
        return Address(display_name=_one_line(name), addr_spec=address)
    except NonASCIILocalPartDefect:
        # josé@example.org: an address (RFC 6531), for a server that offers SMTPUTF8.
        local, _, domain = address.rpartition("@")
        return Address(display_name=_one_line(name), username=local, domain=domain)
    except (ValueError, IndexError) as error:
        raise ComposeError(f"not an email address: {error}") from None


def _sender(mail_from: str) -> str | Address:
    """MAIL_FROM with its domain in ASCII, as the envelope's sender."""
    name, email = parseaddr(mail_from)
    if not email or email.isascii():
        return mail_from
    return Address(display_name=name, addr_spec=smtp_address(email))


def compose(
    letter: Letter,
    *,
    mail_from: str,
    date: datetime,
    unsubscribe_url: str | None = None,
    organizer: str | None = None,
) -> EmailMessage:
    """The email for `letter`, dated `date` (an aware datetime). With `unsubscribe_url` (for an
    optional kind) it carries List-Unsubscribe and List-Unsubscribe-Post: One-Click. Its
    calendar names `organizer` (when given) as its ORGANIZER, as its From names `mail_from`."""
    # Its policy from the start: the parts' bodies are encoded as they are added, and a
    # quoted-printable line is at most 76 characters (RFC 2045), not the default policy's 78.
    message = EmailMessage(policy=_Policy(**{**default.__dict__, "max_line_length": 76}))
    message["From"] = _sender(mail_from)
    message["To"] = recipient_address(letter.recipient_name, letter.recipient_email)
    message["Subject"] = _one_line(letter.subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = letter.message_id  # the same on every retry: clients drop repeats
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text_body, cte=_transfer_encoding(letter.text_body))
    if letter.html_body:
        message.add_alternative(
            letter.html_body, subtype="html", cte=_transfer_encoding(letter.html_body)
        )
    if letter.ics:
        ics = with_organizer(letter.ics, organizer)
        method = _one_line(letter.ics_method or "PUBLISH").upper()
        # The alternative is what Outlook and Gmail show as an invitation with buttons...
        message.add_alternative(
            ics, subtype="calendar", params={"method": method}, cte=_transfer_encoding(ics)
        )
        # ...and the attachment what other clients (and people) import.
        message.add_attachment(
            ics.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
    # Last: making the body multipart moves every Content-* header set before into a part.
    message["Content-Language"] = language_tag(_one_line(letter.language) or "en")
    return message


def _transfer_encoding(text: str) -> str | None:
    """Text beyond ASCII (a name such as Müller, a title in Japanese) is sent quoted-printable:
    as raw 8-bit bytes it would need the server's 8BITMIME, which smtplib never asks for (RFC
    6152), and base64 would send a calendar's CRLF line ends as the LF it joins lines with.
    ASCII text goes as it is (7bit)."""
    return None if text.isascii() else "quoted-printable"


class _Policy(EmailPolicy):
    """Headers folded within RFC 5322's 78 (at 76, so that Python writes a long Subject or name
    as encoded words of at most the 75 characters RFC 2047 allows); all but the unsubscribe
    URL, which has nowhere to break: folded so, Python would write it as encoded words that no
    client follows, so it is folded only past the hard limit of 998."""

    def fold(self, name: str, value) -> str:
        return self._folded(EmailPolicy.fold, name, value)

    def fold_binary(self, name: str, value) -> bytes:
        return self._folded(EmailPolicy.fold_binary, name, value)

    def _folded(self, fold, name: str, value):
        if name.lower() == "list-unsubscribe":
            return fold(self.clone(max_line_length=998), name, value)
        # Python 3.11 sometimes folds the space between two words into the gap between two
        # encoded words, where RFC 2047 says it is no part of the text ("Presentación über" read
        # as "Presentaciónüber"): another line length folds elsewhere.
        for length in range(self.max_line_length, self.max_line_length - 16, -1):
            folded = _folded_at(fold, self.clone(max_line_length=length), name, value)
            if _reads_back(folded, value):
                return folded
        # Written for SMTPUTF8 (a recipient such as josé@...: smtplib sends with the utf8
        # policy), Python folds an address's quoted name without its quotes, so that a comma
        # in it ("..., Jr.") splits the To header into two recipients, the first without an
        # address. On one line, within RFC 5322's hard limit of 998, the quotes stay (only
        # so: without it, a line that long would hold encoded words longer than RFC 2047's 75).
        if self.utf8:
            whole = _folded_at(fold, self.clone(max_line_length=998), name, value)
            if _reads_back(whole, value):
                return whole
        return _folded_at(fold, self, name, value)


def _folded_at(fold, policy: EmailPolicy, name: str, value):
    folded = fold(policy, name, value)
    # A value that fits on a line of its own, but not after its name, Python moves whole to
    # the next line ("Subject:" CRLF " Your proposal ..."), which some clients show with a
    # leading space (helper-81). A line a little shorter makes it fold between words.
    empty_first_line = f"{name}:{policy.linesep}"
    if isinstance(folded, bytes):
        empty_first_line = empty_first_line.encode()
    if folded.startswith(empty_first_line) and len(str(value)) > 20:
        shorter = fold(policy.clone(max_line_length=len(str(value)) - 1), name, value)
        if not shorter.startswith(empty_first_line):
            return shorter
    return folded


def _reads_back(folded: str | bytes, value) -> bool:
    """Whether a folded header reads as `value`, as RFC 2047 reads encoded words."""
    text = folded.decode("utf-8", "replace") if isinstance(folded, bytes) else folded
    written = text.partition(":")[2].replace("\r\n", "").replace("\n", "")
    try:
        return str(make_header(decode_header(written))).strip() == str(value).strip()
    except (HeaderParseError, UnicodeDecodeError, LookupError):
        return False
