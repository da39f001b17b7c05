"""Words the app keeps in English only (office names, recommendation titles, the co-leads'
meeting titles) say so with lang="en" on a page or email in another language, so that a screen
reader does not read "IP Australia" with Spanish sounds (WCAG 2.2, 3.1.2 Language of Parts);
words whose language the app does not know (a volunteer's title) are left to the page's. An
English page carries no lang="en" of the kind, and the co-leads' pages are English whatever the
browser asks for."""

import re
from html.parser import HTMLParser

import pytest

from planner.extensions import db
from planner.mail.models import OutboxMessage
from planner.offices.models import Office
from planner.survey.models import Answer
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import invite, reads
from tests.presenters.support import presenter as presenter
from tests.presenters.support import slot as slot
from tests.proposals.test_proposals import VALID, token_of
from tests.support import csrf_token

SPANISH = {"Accept-Language": "es-PE,es;q=0.9,en;q=0.5"}
OFFICE = "IP Australia"  # AU, as the survey names it
REC_10 = "Rec 10: New and emerging technologies (AI, blockchain)"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


class _Parts(HTMLParser):
    """Each text of a page (and each title attribute) with the language it is in: the `lang`
    of the nearest element that has one; and every element with a lang of its own."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None]] = []
        self.marked: list[tuple[str, dict]] = []

    def _here(self) -> str | None:
        return next((lang for _, lang in reversed(self.open) if lang), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "lang" in attrs and tag != "html":
            self.marked.append((tag, attrs))
        lang = attrs.get("lang") or self._here()
        if attrs.get("title"):
            self.texts.append((attrs["title"], lang))
        if tag not in VOID:
            self.open.append((tag, attrs.get("lang")))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip():
            self.texts.append((" ".join(data.split()), self._here()))


def _parts(body: str) -> _Parts:
    parts = _Parts()
    parts.feed(body)
    return parts


def languages_of(body: str, words: str, *, whole: bool = False) -> set:
    """The languages every text of the page holding `words` (`whole`: that is `words`) is
    in."""
    found = {
        lang for text, lang in _parts(body).texts if (text == words if whole else words in text)
    }
    assert found, f"{words!r} is not on the page"
    return found


def stray_marks(body: str) -> list:
    """The elements of a page marked with a language, but for the language switcher's links
    (each in its own language, `hreflang` beside it)."""
    return [(tag, attrs) for tag, attrs in _parts(body).marked if "hreflang" not in attrs]


def _volunteer(client, **changes):
    data = {**VALID, "csrf_token": csrf_token(client, "/volunteer"), **changes}
    sent = client.post("/volunteer", data=data, headers=SPANISH)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    return token_of(sent)


def test_the_spanish_volunteer_form_says_which_names_are_english(client, survey):
    body = client.get("/volunteer", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es">' in body
    assert languages_of(body, f"AU – {OFFICE}") == {"en"}
    assert languages_of(body, REC_10) == {"en"}
    # The form's own words are the page's.
    assert languages_of(body, "Elija su oficina") == {"es"}
    english = client.get("/volunteer", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert languages_of(english, f"AU – {OFFICE}") == {"en"}  # the page's own
    assert stray_marks(english) == []


def test_a_proposal_s_spanish_pages_mark_the_office_and_recommendations(client, survey):
    token = _volunteer(client, language="es")
    private = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert '<html lang="es">' in private
    assert languages_of(private, OFFICE) == {"en"}
    assert languages_of(private, REC_10) == {"en"}
    # The volunteer's own words are in whatever language they wrote: the page's, as far as the
    # app knows.
    assert languages_of(private, VALID["title"]) == {"es"}
    edit = client.get(f"/proposals/{token}/edit").get_data(as_text=True)
    assert languages_of(edit, f"AU – {OFFICE}") == {"en"}
    assert languages_of(edit, REC_10) == {"en"}
    english = client.get(
        f"/proposals/{_volunteer(client, language='en', contact_email='b@x.example')}"
    )
    assert '<html lang="en">' in english.text and stray_marks(english.text) == []


def test_a_spanish_presenter_s_pages_mark_the_meeting_and_the_offices(api, slot, presenter):
    reads("es")
    slot.meeting.title = "R&D <workshop>"  # escaped once, inside its mark
    db.session.commit()
    link = invite(api, slot)
    body = presenter.get(link).get_data(as_text=True)
    assert '<html lang="es">' in body
    assert '<span lang="en">R&amp;D &lt;workshop&gt;</span>' in body
    assert "&amp;amp;" not in body and "&amp;lt;" not in body
    # The slot's office (its name as the tooltip too), and another talk's, in the programme.
    assert languages_of(body, OFFICE, whole=True) == {"en"}
    assert languages_of(body, f"· {OFFICE}") == {"en"}
    assert languages_of(body, "· JPO") == {"en"}
    assert languages_of(body, slot.title) == {"es"}  # a talk's title: its language unknown
    materials = presenter.get(f"{link}/materials").get_data(as_text=True)
    assert languages_of(materials, f"R&D <workshop> · {OFFICE}") == {"en"}
    english = presenter.get(f"{link}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and stray_marks(english) == []


def test_emails_in_spanish_mark_the_english_names(api, slot, client):
    reads("es")
    invite(api, slot)
    _volunteer(client, language="es", contact_email="c@ipaustralia.example")
    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    invitation, received = (m for m in messages if m.language == "es")
    assert invitation.kind == "invitation" and received.kind == "received"
    assert languages_of(invitation.html_body, OFFICE) == {"en"}
    assert languages_of(invitation.html_body, slot.meeting.title) == {"en"}
    assert languages_of(received.html_body, OFFICE) == {"en"}
    english = [m for m in messages if m.language == "en" and m.html_body]
    assert english and all(stray_marks(m.html_body) == [] for m in english)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/surveys/{survey}",
        "/surveys/{survey}/answers/{answer}",
        "/offices",
        "/offices/AU",
        "/recommendations",
        "/recommendations/10",
        "/recommendations/10/matches",
        "/meetings",
        "/lineups",
        "/proposals",
    ],
)
def test_the_other_pages_stay_english_with_nothing_marked(colead_client, survey, path):
    """The survey's, offices', recommendations', agenda's and co-leads' pages are English
    whatever the browser asks (planner.languages): their names need no mark, and carry none."""
    answer = db.session.scalar(db.select(Answer.id).limit(1))
    page = colead_client.get(path.format(survey=survey.slug, answer=answer), headers=SPANISH)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert stray_marks(page.text) == []


def test_an_office_renamed_with_markup_is_escaped_once(client, survey):
    db.session.get(Office, "AU").name = "IP <Australia> & Co"
    db.session.commit()
    body = client.get("/volunteer", headers=SPANISH).get_data(as_text=True)
    assert re.search(
        r'<option lang="en" value="AU">AU – IP &lt;Australia&gt; &amp; Co</option>', body
    )
