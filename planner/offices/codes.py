"""An office's ST.3 code as a person types or pastes it: pure, for the survey's importer and
every form, address and API alike."""

import re
import unicodedata

# What an office code looks like (WIPO ST.3: two letters), in any case: anything else names no
# office, and is not looked up.
OFFICE_CODE = re.compile(r"[A-Za-z]{2}")


def typed_code(value: object) -> str | None:
    """The ST.3 code a person typed or pasted, in capitals ("sg", " SG " and "SG" followed by a
    zero-width space or a right-to-left mark are SG; so is "ＳＧ", typed full-width, as CJK
    keyboards do), or None when it is no two letters (a Latin letter only: str.upper reads the
    Turkish dotless "ıe" as IE, and "ß" as SS)."""
    if not isinstance(value, str):
        return None
    bare = "".join(c for c in value if unicodedata.category(c) != "Cf")
    # NFKC reads a letter written in another width as the letter it is; another letter, such
    # as the dotless "ı" or "ß", it leaves as it is, to be refused.
    bare = unicodedata.normalize("NFKC", bare).strip()
    return bare.upper() if OFFICE_CODE.fullmatch(bare) else None
