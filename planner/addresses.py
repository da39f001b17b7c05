"""Email addresses: the one check every form and the JSON API make of an address typed in (which
also stores it in one normal form), and the form in which the mail sender hands it to a server.
Pure: no Flask."""

import contextlib
import functools

import idna
from email_validator import EmailNotValidError, validate_email

from planner.errors import PlannerError
from planner.text import ascii_host
from planner.translation import lazy_gettext as _l

# Says how to put it right: "lucia@indecopi" (a domain cut short) looked like one to its writer.
NOT_AN_ADDRESS = _l(
    "That does not look like an email address. Write it whole, such as name@office.org."
)


class AddressError(ValueError):
    """An address whose domain has no ASCII (IDNA) form: no mail server can route it."""


def normal_address(value: str, field: str | None = None) -> str:
    """`value` as stored: trimmed, its domain lower-case and in Unicode (`exämple.org`, also when
    typed as `xn--exmple-cua.org`), the part before the @ as typed (in Unicode NFC). An address
    that is not one raises PlannerError with the words every page and the API use."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except (EmailNotValidError, UnicodeError):
        raise PlannerError(str(NOT_AN_ADDRESS), field=field) from None


def ascii_domain(address: str) -> str:
    """`address` as the SMTP envelope and the To and From headers carry it: an internationalised
    domain in its ASCII form (`eva@exämple.org` → `eva@xn--exmple-cua.org`; IDNA 2008 with UTS
    #46, as `normal_address` checks it), which every server routes. The part before the @ stays
    as it is: if it is not ASCII only a server offering SMTPUTF8 takes it (`needs_smtputf8`)."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    try:
        return f"{local}@{ascii_host(domain)}"
    except ValueError as error:
        raise AddressError(f"its domain {domain} has no ASCII form ({error})") from None


def needs_smtputf8(address: str) -> bool:
    """Whether `address`, even with its domain in ASCII, can only go to a server that offers
    SMTPUTF8 (RFC 6531): the part before the @ has other than ASCII characters."""
    return not address.strip().rpartition("@")[0].isascii()


# Kept for the addresses seen last: the mail a change sends compares every contact's address
# with every other, some fifteen thousand times in a hundred tests, each an IDNA round trip.
@functools.lru_cache(maxsize=4096)
def spellings(address: str) -> tuple[str, ...]:
    """The lower-case ways one address may have been stored: as typed, and with its domain in
    Unicode and in ASCII (`eva@exämple.org`, `eva@xn--exmple-cua.org`). Addresses stored before
    they were all kept in one form still match the person (their unsubscribe, their contact)."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    found = [address]
    if at:
        with contextlib.suppress(idna.IDNAError, UnicodeError):
            found.append(f"{local}@{idna.decode(domain)}")
        with contextlib.suppress(AddressError):
            found.append(ascii_domain(address))
    return tuple(dict.fromkeys(a.lower() for a in found))


@functools.lru_cache(maxsize=4096)
def mailbox(address: str | None) -> str:
    """One key per mailbox, whichever way its address is spelt (capitals, the domain in Unicode
    or in ASCII, or its labels some of each): the address lower-case with its domain all in
    ASCII, to compare addresses and to keep sets of them. "" for none."""
    address = (address or "").strip()
    if not address:
        return ""
    local, at, domain = address.rpartition("@")
    if at:
        with contextlib.suppress(idna.IDNAError, UnicodeError, AddressError):
            return ascii_domain(f"{local}@{idna.decode(domain.lower())}").lower()
    return address.lower()


def same_address(one: str | None, other: str | None) -> bool:
    """Whether two addresses are one mailbox (see `mailbox`)."""
    return bool(mailbox(one)) and mailbox(one) == mailbox(other)


def matches_address(column, address: str):
    """A SQL condition: `column` holds `address`, in any of its `spellings`, in any case."""
    from sqlalchemy import func

    return func.lower(column).in_(spellings(address))
