"""The words the pure modules say (a refusal, a reading's note), in the reader's language,
without their importing Flask: the app puts Flask-Babel's gettext here (`languages.install`),
which reads the request's language; with no app (a script, a benchmark) they are English.
Marked as anywhere else (`gettext`, `lazy_gettext`), so `make translations` finds them."""

from collections.abc import Callable

from babel.support import LazyProxy


def _english(string: str, **variables) -> str:
    return string % variables if variables else string


def _in_english() -> str:
    return "en"


_translate: Callable[..., str] = _english
_language: Callable[[], str] = _in_english


def use(translate: Callable[..., str], language: Callable[[], str]) -> None:
    """Say the words through `translate` (Flask-Babel's gettext, in the app) from now on, in
    the reader's `language()` (its code, as CLDR names it: "es", "ru")."""
    global _translate, _language
    _translate, _language = translate, language


def language() -> str:
    """The reader's language, for what a pure module writes as CLDR does (a file's size):
    "en" with no app."""
    return _language()


def gettext(string: str, **variables) -> str:
    """`string` in the reader's language, with its %(name)s filled from `variables`."""
    return _translate(string, **variables)


def lazy_gettext(string: str, **variables) -> LazyProxy:
    """`gettext`, said only when the text is read (a constant made before any request)."""
    return LazyProxy(gettext, string, enable_cache=False, **variables)


def N_(string: str) -> str:
    """`string` as it is, marked for the catalogues: words another library says in English
    (Flask-WTF's reasons), translated where they are shown (gettext's `gettext_noop`)."""
    return string
