"""Sign-in throttling stops the guesser, not the owner: per address and account, growing delays,
a ceiling per address, counted in the database that every instance shares."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.accounts import throttle
from planner.accounts.models import ThrottleEvent
from planner.app import create_app
from planner.extensions import db
from tests.support import csrf_token, read_afresh, sent_at_once, sign_in

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def age_events(seconds: float) -> None:
    """Move every counted event `seconds` into the past, as if that time had gone by."""
    read_afresh()
    for event in db.session.scalars(select(ThrottleEvent)):
        event.at -= timedelta(seconds=seconds)
    db.session.commit()


def failed_before(address: str, account: str) -> None:
    """A failed sign-in counted as a try is (`throttle.check_sign_in`), without the request."""
    db.session.add(ThrottleEvent(action=throttle.SIGN_IN, address=address, account=account))


def fail(client, times: int = 1, **account) -> None:
    for _ in range(times):
        assert sign_in(client, password="a guess", **account).status_code == 401


def test_the_owner_signs_in_from_elsewhere_while_the_guesser_waits(app, colead):
    attacker, owner = client_at(app, ATTACKER), client_at(app, OWNER)
    fail(attacker, 5)
    # Even the right password from the guessing address waits: that is what stops guessing.
    refused = sign_in(attacker)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    page = refused.get_data(as_text=True)
    assert "Too many failed sign-ins to this account from your address." in page
    assert "Try again in 1 second." in page
    assert sign_in(owner).status_code == 302


def test_an_ipv6_guesser_changing_address_within_its_network_waits_too(app, colead):
    """A machine on IPv6 holds a /64: each guess from another of its addresses was a first."""
    for host in range(1, 6):
        fail(client_at(app, f"2001:db8:5:6::{host}"))
    assert sign_in(client_at(app, "2001:db8:5:6:ffff::9")).status_code == 429
    assert sign_in(client_at(app, "2001:db8:5:7::1")).status_code == 302


def test_delays_grow_with_each_failure(app, colead):
    attacker = client_at(app, ATTACKER)
    fail(attacker, 5)
    for wait in (1, 2, 4, 8, 16):
        refused = sign_in(attacker, password="a guess")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(wait)
        age_events(wait)
        fail(attacker)
    assert sign_in(attacker).headers["Retry-After"] == "32"


def test_the_delay_is_capped_at_fifteen_minutes():
    assert [throttle.pair_delay(n).total_seconds() for n in (0, 4, 5, 6, 14)] == [
        0,
        0,
        1,
        2,
        512,
    ]
    assert throttle.pair_delay(15) == throttle.pair_delay(10**6) == timedelta(minutes=15)
    assert throttle.in_words(900) == "15 minutes"
    assert [throttle.in_words(s) for s in (1, 59, 61, 3540, 3541, 3599, 3600, 3601)] == [
        "1 second",
        "59 seconds",
        "2 minutes",
        "59 minutes",
        "1 hour",  # 60 minutes, rounded up, are an hour
        "1 hour",
        "1 hour",
        "2 hours",
    ]


def test_the_delay_says_when_to_try_again_at_the_cap(app, colead):
    attacker = client_at(app, ATTACKER)
    fail(attacker, 5)
    for _ in range(15):
        failed_before(ATTACKER, colead.email)
    db.session.commit()
    refused = sign_in(attacker)
    assert refused.status_code == 429
    assert 899 <= int(refused.headers["Retry-After"]) <= 900
    assert "Try again in 15 minutes." in refused.get_data(as_text=True)


def test_a_right_password_starts_the_count_afresh(app, colead):
    person = client_at(app, OWNER)
    fail(person, 4)
    assert sign_in(person).status_code == 302
    person.post("/logout", data={"csrf_token": csrf_token(person, "/")})
    fail(person, 4)
    assert sign_in(person).status_code == 302


def test_one_address_trying_many_accounts_meets_a_ceiling(app, colead):
    sprayer, owner = client_at(app, ATTACKER), client_at(app, OWNER)
    for n in range(throttle.ADDRESS_CEILING - 1):
        failed_before(ATTACKER, f"someone{n}@example.org")
    db.session.commit()
    fail(sprayer, email="one-more@example.org")
    refused = sign_in(sprayer)
    assert refused.status_code == 429
    assert 3599 <= int(refused.headers["Retry-After"]) <= 3600
    page = refused.get_data(as_text=True)
    assert "Too many failed sign-ins from your address. Try again in 1 hour." in page
    assert sign_in(owner).status_code == 302
    # Once the oldest failures are an hour old, the address may try again.
    age_events(3600)
    assert sign_in(sprayer).status_code == 302


def test_fewer_failures_from_one_address_block_no_one(app, colead):
    """20 failures against 20 accounts from one address (the old per-address limit) are far
    below the ceiling: a proxy without TRUSTED_PROXIES does not lock everyone out."""
    shared = client_at(app, ATTACKER)
    for n in range(20):
        fail(shared, email=f"nobody{n}@example.org")
    assert sign_in(shared).status_code == 302


@pytest.mark.committed  # two instances, each on connections of its own
def test_every_instance_counts_the_same_failures(app, colead):
    """Two instances on one database (gunicorn workers, or machines behind a proxy)."""
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
    )
    other.test_client_class = app.test_client_class
    fail(client_at(app, ATTACKER), 3)
    fail(client_at(other, ATTACKER), 2)
    assert sign_in(client_at(app, ATTACKER)).status_code == 429
    assert sign_in(client_at(other, ATTACKER)).status_code == 429
    with other.app_context():
        db.session.remove()
        db.engines[None].dispose()


def test_failures_are_kept_although_the_answer_is_an_error(app, colead):
    fail(client_at(app, ATTACKER), 2)
    read_afresh()
    events = db.session.scalars(select(ThrottleEvent)).all()
    assert [(e.action, e.address, e.account) for e in events] == [
        (throttle.SIGN_IN, ATTACKER, colead.email)
    ] * 2


def test_a_try_the_server_failed_before_checking_is_not_counted(app, colead, monkeypatch):
    """helper-202: new code on a database not upgraded yet failed every sign-in before its
    password was checked, and each try counted as a failed guess: after five, the co-lead's
    right password was refused (429), and for up to 15 minutes once the upgrade was done."""
    from planner.accounts import views

    def failing(*_arguments):
        raise RuntimeError("the server failed before the password was checked")

    owner = client_at(app, OWNER)
    with monkeypatch.context() as patched:
        patched.setattr(views, "password_matches", failing)
        for _ in range(7):
            assert sign_in(owner).status_code == 500
    read_afresh()
    assert db.session.scalars(select(ThrottleEvent)).all() == []
    assert sign_in(owner).status_code == 302
    # Wrong passwords the server did check are counted as before.
    fail(client_at(app, ATTACKER), 5)
    assert sign_in(client_at(app, ATTACKER)).status_code == 429


@pytest.mark.parametrize(
    ("email", "address"),
    [
        # Lower-cased, "İ" is two characters: the email outgrows its column.
        ("İ" * 250 + "@x.o", ATTACKER),
        ("someone@example.org", "\x00" + "9" * 200),
    ],
)
def test_odd_emails_and_addresses_are_counted_too(app, colead, email, address):
    attacker = client_at(app, address)
    fail(attacker, 5, email=email)
    assert sign_in(attacker, email=email).status_code == 429


def test_a_nul_in_the_email_is_refused_in_words(app, colead):
    response = sign_in(client_at(app, ATTACKER), email="colead@example.org\x00")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_guessing_the_current_password_with_a_stolen_session_is_throttled(app, colead):
    """A session in the wrong hands cannot guess its way to a new password: the password page
    counts wrong current passwords with the sign-in's throttle."""
    thief = client_at(app, ATTACKER)
    assert sign_in(thief).status_code == 302

    def change(current: str):
        return thief.post(
            "/account/password",
            data={
                "csrf_token": csrf_token(thief, "/account/password"),
                "current": current,
                "new": "a much longer secret",
                "confirm": "a much longer secret",
            },
        )

    for _ in range(5):
        assert change("a guess").status_code == 400
    refused = change("a guess")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "Try again in 1 second." in refused.get_data(as_text=True)
    # The owner, elsewhere, is not held up.
    assert sign_in(client_at(app, OWNER)).status_code == 302


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_wrong_passwords_sent_at_once_take_turns(app, colead):
    """With four failures counted, two wrong passwords sent at once were both checked: each
    request counted four (18 of 30 checked where five are free; helper-86). The second now
    waits for the first's failure to be recorded, and is refused unchecked."""
    fail(client_at(app, ATTACKER), 4)
    one, two = client_at(app, ATTACKER), client_at(app, ATTACKER)
    token, email = csrf_token(two, "/login"), colead.email
    first, second, meanwhile = sent_at_once(
        lambda: sign_in(one, password="a guess"),
        lambda: two.post(
            "/login", data={"csrf_token": token, "email": email, "password": "another"}
        ),
        held_before=ThrottleEvent,
    )
    assert not meanwhile, "the second request did not wait for the first"
    assert first.status_code == 401
    assert second.status_code == 429
