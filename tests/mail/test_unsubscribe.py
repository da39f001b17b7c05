"""Unsubscribing from an optional kind with the signed link: the page asks first, the POST needs
no cookie or CSRF token, a forged or non-optional link is refused, and invitations still go."""

import html
import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.mail.models import MessageKind, Unsubscription, language_tag
from planner.mail.outbox import Recipient, enqueue
from planner.mail.unsubscribe import unsubscribe_token, unsubscribe_url
from tests.support import said_in, sent_at_once

DANA = Recipient("Dana@ILPO.example", "Dana")


def _path(app, url: str) -> str:
    assert url.startswith(app.config["BASE_URL"] + "/unsubscribe/")
    return url.removeprefix(app.config["BASE_URL"])


def test_the_link_is_absolute_on_base_url_in_and_out_of_a_request(app, app_context):
    outside = unsubscribe_url(DANA.email, MessageKind.reminder)
    with app.test_request_context("/", base_url="http://evil.example"):
        inside = unsubscribe_url(DANA.email, MessageKind.reminder)
    assert outside == inside
    assert outside.startswith(app.config["BASE_URL"] + "/unsubscribe/")


def test_the_page_asks_and_the_button_unsubscribes(app, app_context):
    client = app.test_client(use_cookies=False)
    path = _path(app, unsubscribe_url(DANA.email, MessageKind.reminder))
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    text = page.get_data(as_text=True)
    assert "dana@ilpo.example" in text and "<button" in text
    assert db.session.scalar(select(Unsubscription)) is None  # a visit changes nothing

    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200  # twice is fine
    rows = db.session.scalars(select(Unsubscription)).all()
    assert [(r.email, r.kind) for r in rows] == [("dana@ilpo.example", "reminder")]

    assert "Invitations to present, updates and cancellations still reach you." in text
    assert enqueue(DANA, kind=MessageKind.reminder, subject="s", text="t") is None
    assert enqueue(DANA, kind=MessageKind.update, subject="s", text="t") is not None
    assert enqueue(DANA, kind=MessageKind.invitation, subject="s", text="t") is not None


def test_forged_or_non_optional_links_are_refused(app, app_context):
    client = app.test_client(use_cookies=False)
    token = unsubscribe_token(DANA.email, MessageKind.reminder)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/unsubscribe/{forged}").status_code == 404
    assert client.get("/unsubscribe/nonsense").status_code == 404
    # Invitations and cancellations cannot be turned off, even with a signed token.
    invitation = unsubscribe_token(DANA.email, MessageKind.invitation)
    assert client.post(f"/unsubscribe/{invitation}").status_code == 404
    assert db.session.scalar(select(Unsubscription)) is None


def test_the_page_says_what_still_comes_after_unsubscribing_from_updates(app, app_context):
    client = app.test_client(use_cookies=False)
    path = _path(app, unsubscribe_url(DANA.email, MessageKind.update))
    for answer in (client.get(path), client.post(path)):
        text = answer.get_data(as_text=True)
        assert "no more updates about your office's presentations" in html.unescape(text)
        assert "cancellation of a presentation that an update already put in your calendar" in text
        assert "nothing new is sent" in text
        assert "cancellations of your slot" not in text


def test_the_page_is_in_the_language_the_messages_came_in(app, app_context):
    """Dana's updates come in Russian: the page their link opens is in Russian (helper-146:
    English under "Отказаться от этих сообщений:"); with no message written to an address,
    the browser's language, as every page for people outside the Task Force."""
    russian = Recipient(DANA.email, DANA.name, "ru")
    assert enqueue(russian, kind=MessageKind.update, subject="s", text="t") is not None
    db.session.commit()
    client = app.test_client(use_cookies=False)
    path = _path(app, unsubscribe_url(DANA.email, MessageKind.update))
    for answer in (client.get(path), client.post(path)):
        text = answer.get_data(as_text=True)
        assert '<html lang="ru">' in text
        assert "обновления о выступлениях Вашего ведомства" in text
    assert said_in("ru", "You are unsubscribed") in client.post(path).get_data(as_text=True)
    other = _path(app, unsubscribe_url("lin@cnipa.example", MessageKind.reminder))
    text = client.get(other, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in text and "退订提醒？" in text


def test_a_link_that_is_not_valid_says_so_in_the_browser_s_language(app, app_context):
    """helper-163: a cut-short unsubscribe link said so in English only, under a Russian
    browser and after Russian emails."""
    client = app.test_client(use_cookies=False)
    page = client.get("/unsubscribe/nonsense", headers={"Accept-Language": "ru"})
    assert page.status_code == 404 and page.headers["Content-Language"] == "ru"
    said = said_in("ru", "This unsubscribe link is not valid: it may be mistyped or cut short.")
    assert html.escape(said, quote=False) in page.get_data(as_text=True)


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_a_one_click_unsubscribe_sent_twice_at_once_unsubscribes_both_times(app, app_context):
    """A mail client's one-click POST and the person's own press of the button (or a client
    that sends its POST twice), at the same moment on two instances: each found no
    unsubscription and stored one; the second met the database's rule and answered 409
    "Someone else saved the same thing at the same moment; yours was not saved", to someone
    who was unsubscribed. Both now say they are."""
    path = _path(app, unsubscribe_url(DANA.email, MessageKind.reminder))
    one, two = app.test_client(use_cookies=False), app.test_client(use_cookies=False)
    first, second, _ = sent_at_once(
        lambda: one.post(path), lambda: two.post(path), held_before=Unsubscription
    )
    assert (first.status_code, second.status_code) == (200, 200)
    db.session.expire_all()
    rows = db.session.scalars(select(Unsubscription)).all()
    assert [(r.email, r.kind) for r in rows] == [("dana@ilpo.example", "reminder")]


# The words an office contact's emails (an update of a presentation, `templates/mail/update.*`)
# use for what they are about and where it goes: the page their link opens says the same.
EMAIL_WORDS = {
    "en": ("presentation", "calendar"),
    "es": ("presentación", "calendario"),
    "fr": ("présentation", "calendrier"),
    "pt": ("apresentação", "calendário"),
    "ru": ("выступлени", "календар"),
    "zh": ("演讲", "日历"),
}
# "…of your office from the planner": the office would read as the planner's.
RUN_TOGETHER = {
    "es": "oficina del planificador",
    "fr": "office du planificateur",
    "pt": "escritório do planejador",
}
# The co-leads' word, "slot", as each catalogue once put it on that page.
SLOT_WORDS = ("slot", "espacio", "créneau", "horário", "时段", "agenda", "встреч")


@pytest.mark.parametrize("language", EMAIL_WORDS)
def test_the_unsubscribe_page_names_things_as_the_contact_s_emails_do(app, app_context, language):
    """helper-201: the Spanish page offered to stop "actualizaciones sobre espacios y
    reuniones" beneath emails about "una presentación de su oficina"; the French said
    "créneaux" and "agenda" (calendrier in the emails), the Portuguese "horários" and
    "agenda", the Chinese "时段", the Russian "встречах" (совещание in the emails)."""
    from planner.mail.messages.writing import render
    from tests.mail.test_languages import _contexts

    presentation, calendar = EMAIL_WORDS[language]
    with app.test_request_context():
        context = next(
            c for k, c in _contexts() if k == "update" and c["role"] == "contact" and c["first"]
        )
        _, email, _, written = render("update", language, **context)
    assert written == language
    assert presentation in email.lower() and calendar in email.lower()
    reader = Recipient(DANA.email, DANA.name, language)
    assert enqueue(reader, kind=MessageKind.update, subject="s", text="t") is not None
    db.session.commit()
    client = app.test_client(use_cookies=False)
    path = _path(app, unsubscribe_url(DANA.email, MessageKind.update))
    for answer in (client.get(path), client.post(path)):
        page = html.unescape(answer.get_data(as_text=True))
        main = page[page.index("<main") : page.index("</main>")].lower()
        main = re.sub(r'<nav class="languages".*?</nav>', "", main, flags=re.S)
        assert f'<html lang="{language_tag(language)}">' in page
        assert presentation in main and calendar in main
        assert not [word for word in SLOT_WORDS if word in main], main
        assert RUN_TOGETHER.get(language, "\0") not in main
