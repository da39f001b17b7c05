"""The languages a page is shown in (Flask-Babel, gettext catalogues in planner/translations).

The co-leads work in English, and so do their pages. The people outside the Task Force whom the
app writes to in their own language (presenters, volunteers: `mail.models.LANGUAGES_WRITTEN`)
read the pages those emails send them to in it too: a view of such a page calls `show_in` with
the person's language. The language they pick on the page itself (`?lang=`, kept in the
session) comes first; a page for no one in particular (the volunteer form) follows the
browser's Accept-Language. Every other page is English, so a page is never half translated.

Strings are marked with `gettext` / `_` (templates, views), `lazy_gettext` (form labels, made
before any request), and extracted with `pybabel extract -F babel.cfg` (README, "Translations").
The compiled catalogues (.mo) are kept in git beside their sources, and a test fails when one
differs from what its .po compiles to."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale, negotiate_locale
from babel.lists import format_list
from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import Babel, get_locale, gettext, refresh
from markupsafe import Markup, escape

from planner import translation
from planner.agenda.models import DISCUSSION_TITLE, Meeting
from planner.mail.models import LANGUAGES_WRITTEN, language_tag
from planner.offices.models import LANGUAGES
from planner.timezones import (
    clock_span,
    day_in,
    local_time,
    moment_in_language,
    place_in,
    short_day,
    time_span_in,
    zone_shown,
)

PAGE_LANGUAGES = ("en", *LANGUAGES_WRITTEN)
TRANSLATIONS = Path(__file__).parent / "translations"


def own_name(code: str) -> str:
    """A language named in itself, as a switcher offers it to someone who reads only that one
    (CLDR's name, capitalised as a menu item: "Español", "Русский", "中文")."""
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


_CHOSEN = "language"  # the session's key for the language picked on a page

babel = Babel()


def _page_language() -> str:
    return g.get("page_language", "en") if has_app_context() else "en"


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=_page_language)
    translation.use(gettext, page_language)  # the pure modules' words, in the page's language
    app.add_template_global(language_links, "language_links")
    app.add_template_global(page_language, "page_language")
    app.add_template_global(language_name, "language_name")
    # Words stored in English (office names, recommendation titles) on a page in another.
    app.add_template_global(english_attrs, "english_attrs")
    app.add_template_global(gap, "gap")
    app.add_template_filter(slot_title, "slot_title")
    app.add_template_filter(english, "english")
    # A translated page's times and days, in its language (English pages: as elsewhere).
    app.add_template_global(time_span_here, "time_span_here")
    app.add_template_global(clock_span_here, "clock_span_here")
    app.add_template_global(place_here, "place_here")
    app.add_template_global(zone_field_here, "zone_field_here")
    app.add_template_global(moment_here, "moment_here")
    app.add_template_filter(day_here, "day_here")
    app.add_template_filter(short_day_here, "short_day_here")
    app.add_template_filter(held_on_here, "held_on")

    @app.after_request
    def content_language(response):
        # A page's language; not a calendar file or a download its page offers (their own).
        if "page_language" in g and response.mimetype == "text/html":
            response.headers["Content-Language"] = language_tag(g.page_language)
            # The same address reads differently with another choice or browser language.
            response.vary.update(("Accept-Language", "Cookie"))
        return response


def _language_named(text: str) -> str | None:
    """The page language `?lang=` names: by the code the app keeps ("pt") or by the tag pages
    and emails say they are in ("pt-BR", "zh-Hans"), in any case (helper-243: a link written
    with the tag the page announced was ignored)."""
    wanted = text.strip().casefold()
    for code in PAGE_LANGUAGES:
        if wanted in (code, language_tag(code).casefold()):
            return code
    return None


def show_in(own: str | None = None) -> str:
    """Show this request's page in a language of `PAGE_LANGUAGES`: the one picked on the page
    (`?lang=`, then remembered), else the person's `own` (the one they chose for their emails)
    when it is one, else the best of the browser's; English when none is. Returns the one
    chosen."""
    picked = _language_named(request.args.get("lang", ""))
    if picked in PAGE_LANGUAGES and request.method == "GET" and session.get(_CHOSEN) != picked:
        # Written only when it changes: an answer that sets the cookie again, to a request
        # sent before signing in and answered after, set the session from before back
        # (helper-363), as 7eacd20f found of static files.
        session[_CHOSEN] = picked
    chosen = session.get(_CHOSEN)
    if chosen not in PAGE_LANGUAGES:
        chosen = own if own in PAGE_LANGUAGES else None
    if chosen is None:
        chosen = _browsers_language()
    g.page_language = chosen
    refresh()  # a label made lazily before this view chose is read again in the new language
    return chosen


def _browsers_language() -> str:
    """The first of the browser's languages (Accept-Language, in its order of preference) that
    the pages are written in, matched by its primary language as Babel's `negotiate_locale`,
    Django's and so pretalx's match it: "zh-Hant-TW", "zh-HK", "zh-TW" and "zh-CN" read the
    Chinese written (Simplified, as they may read it better than an English ranked lower),
    "es-ES" Spanish, "pt-PT" Portuguese (Brazil's). English when none is, or "*" comes first.
    Not Werkzeug's `best_match`, which took an exact match anywhere in the list ("en;q=0.5")
    over an earlier preference matched by its primary language (helper-250: "zh-Hant-TW, en"
    read English, "zh-TW" alone Simplified Chinese)."""
    # By quality alone: Werkzeug lists "*" last whatever its quality.
    ranked = sorted(request.accept_languages, key=lambda accepted: -accepted[1])
    for tag, quality in ranked:
        if quality <= 0 or tag == "*":
            break
        if found := negotiate_locale([tag.lower()], PAGE_LANGUAGES, sep="-", aliases=None):
            return found
    return "en"


@dataclass(frozen=True)
class ReadersPage:
    """What a view shown in its reader's language tells a page made before it runs (the one a
    form comes back on when its session expired, `http_errors`): how to find the reader's
    language from the address alone (`show_in`'s `own`; None: the browser's), and the form
    whose labels name what was typed."""

    language: Callable[..., str | None] | None = None
    form: type | None = None


def readers_page(language: Callable[..., str | None] | None = None, form: type | None = None):
    """Marks a view whose page is in its reader's language (placed under its route)."""

    def mark(view):
        view.readers_page = ReadersPage(language, form)
        return view

    return mark


def show_readers_page() -> ReadersPage | None:
    """Shows this request's page in the language its view would (`readers_page`), before the
    view runs; None, and English, for a view that is not marked."""
    view = current_app.view_functions.get(request.endpoint or "")
    page = getattr(view, "readers_page", None)
    if page is not None:
        show_in(page.language(**(request.view_args or {})) if page.language else None)
    return page


def page_language() -> str:
    """The language this page is shown in ("en" unless its view chose one with `show_in`), or
    the one `flask_babel.force_locale` writes in for now (an email sent from the page)."""
    locale = get_locale() if has_app_context() else None
    return locale.language if locale is not None else "en"


def language_links() -> list[tuple[str, str, str, str, bool]]:
    """(code, own name, name in the page's language, address, is current) of each language a
    translated page offers; none on a page in English only. The address is the page's own,
    with its other query (a volunteer form's office, say) and `?lang=`. The second name is the
    link's title: "испанский" on a Russian page, as a Russian reader says it, not "Spanish"
    (helper-238)."""
    if "page_language" not in g or request.method != "GET":
        return []
    current = g.page_language
    others = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return [
        (
            code,
            own_name(code),
            language_name(code),
            f"{request.path}?{urlencode([*others, ('lang', code)])}",
            code == current,
        )
        for code in PAGE_LANGUAGES
    ]


def slot_title(slot) -> str:
    """A slot's title as a page in the reader's language shows it: the closing discussion a
    line-up adds is titled in English by the app ("Discussion"), and a Spanish presenter read it
    so in their programme; said in the page's language unless a co-lead gave it a title of
    their own. Every other title is what someone wrote, in whatever language."""
    if slot.kind == "discussion" and slot.title == DISCUSSION_TITLE:
        return gettext("Discussion")
    return slot.title


def gap() -> str:
    """The space between a label and what follows it, or between two sentences, as the page's
    language writes it: none in Chinese, whose full-width colon and full stop carry their own
    ("状态：已邀请", not "状态： 已邀请"); a space elsewhere."""
    return "" if page_language() == "zh" else " "


def sentences(*said: str) -> str:
    """Sentences one after the other, apart as the page's language sets them (`gap`): "Saved.
    Check it.", "已保存。请检查。"; an empty one left out."""
    return gap().join(sentence for sentence in said if sentence)


# What sets apart the items of a list that a sentence separates with semicolons: French puts a
# no-break space before it, Chinese writes its own, full width, with no space.
_SEMICOLON = {"fr": "\u00a0; ", "zh": "；"}


def semicolons(items: Iterable[str]) -> str:
    """Items a sentence sets apart with semicolons, as the page's language writes them: "a; b",
    "a\u00a0; b", "甲；乙"."""
    return _SEMICOLON.get(page_language(), "; ").join(items)


def english_attrs() -> dict[str, str]:
    """`{"lang": "en"}` for an element holding words the app keeps in English only, on a page
    (or email) in another language: the survey's office names and answers, the titles of the
    Recommendations, the co-leads' meeting titles. A screen reader then reads them as English,
    not with the page's pronunciation (WCAG 3.1.2, Language of Parts). Empty on an English page,
    where the attribute says nothing. In a template, `<dd{{ english_attrs()|xmlattr }}>`, or a
    form's control: `form.recommendations(**english_attrs())`."""
    return {"lang": "en"} if page_language() != "en" else {}


def english(text) -> Markup:
    """`text`, stored in English only (`english_attrs`), as a sentence of this page holds it:
    in a `<span lang="en">` on a page in another language, as it is on an English one. Escaped
    once (Markup as it is), and so safe as a placeholder of a translated string."""
    if not english_attrs() or text is None or text == "":
        return escape(text if text is not None else "")
    return Markup('<span lang="en">%s</span>') % (text,)


def time_span_here(zone: str, start: datetime, end: datetime) -> str:
    """A span in the page's language, the zone named beside it (`time_span_in`, English as
    `time_span` writes it)."""
    return time_span_in(page_language(), zone, start, end, named=False)


def place_here(zone: str) -> str:
    """A zone as this page's reader's emails name it, beside their times: its city in their
    language ("Lima", "Ginebra" for Europe/Zurich, "Сидней"; "Geneva" in English)."""
    return place_in(page_language(), zone)


def zone_field_here(zone: str) -> str:
    """What a zone field shows for `zone` on this page: its city and country in the page's
    language ("Kathmandu, Nepal"), as the list to choose from offers it, not its id."""
    return zone_shown(zone, page_language())


def clock_span_here(zone: str, start: datetime, end: datetime, since: datetime | None = None):
    return clock_span(zone, start, end, since, language=page_language())


def day_here(day: date) -> str:
    """ "4 April 2027", "4 de abril de 2027": a day in a sentence of this page."""
    return day_in(page_language(), day)


def held_on_here(meeting: Meeting) -> str:
    """The day a meeting is or was held, in its home zone, as a sentence of this page says it
    (`day_here`): "20 January 2026". Every page that says when a talk was presented says it so
    (the line-ups and the proposals' list said "20 Jan 2026", other pages "20 January 2026")."""
    return day_here(local_time(meeting.time_zone or "UTC", meeting.starts_at).date())


def short_day_here(moment: "datetime | date") -> str:
    return short_day(moment, page_language())


def language_name(code: str) -> str:
    """A language's name in the page's: "Spanish" on an English page, "español" on a Spanish
    one (CLDR's, through Babel); a code it does not know, as it is."""
    if code not in LANGUAGES:
        return code
    return Locale.parse(code).get_display_name(page_language())


def moment_here(zone: str, at: datetime) -> str:
    """`moment_in` in the page's language: "17 November 2026 at 19:00 in Lima (UTC−5)",
    "17 de noviembre de 2026, 19:00, Lima (UTC−5)"."""
    return moment_in_language(page_language(), zone, at)


def word_list(items: list[str], language: str, *, alternatives: bool = False) -> str:
    """Items as a sentence lists them: "status, time and title", "Spanish, French or Russian"
    (the planner's English, with no comma before the last); in another `language`, as CLDR
    has it ("estado y hora", "español, francés o ruso")."""
    if language != "en":
        return format_list(items, "or" if alternatives else "standard", language) if items else ""
    last = " or " if alternatives else " and "
    return last.join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
