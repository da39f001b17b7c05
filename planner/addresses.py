"""Email addresses in the form in which the mail sender hands them to a server. Pure: no Flask."""

import idna


class AddressError(ValueError):
    """An address whose domain has no ASCII (IDNA) form: no mail server can route it."""


def ascii_domain(address: str) -> str:
    """`address` as the SMTP envelope and the To and From headers carry it: an internationalised
    domain in its ASCII form (`eva@exämple.org` → `eva@xn--exmple-cua.org`; IDNA 2008 with UTS
    #46, as email-validator checks it), which every server routes. The part before the @ stays
    as it is: if it is not ASCII only a server offering SMTPUTF8 takes it (`needs_smtputf8`)."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        encoded = idna.encode(domain, uts46=True, std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError) as error:
        raise AddressError(f"its domain {domain} has no ASCII form ({error})") from None
    return f"{local}@{encoded.decode('ascii')}"


def needs_smtputf8(address: str) -> bool:
    """Whether `address`, even with its domain in ASCII, can only go to a server that offers
    SMTPUTF8 (RFC 6531): the part before the @ has other than ASCII characters."""
    return not address.strip().rpartition("@")[0].isascii()
