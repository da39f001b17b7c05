"""Who may write: co-leads, signed in (pages) or with a Bearer token (API). And security headers."""

import hashlib
import ipaddress
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Flask,
    Request,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import LoginManager, current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.accounts.models import ApiToken, User, digest
from planner.accounts.tokens import WHEN
from planner.db_types import db_int, utcnow
from planner.extensions import db
from planner.http_errors import (
    NOT_STORED,
    api_error,
    is_api_request,
    sent_from_our_pages,
    typed_fields,
)
from planner.public_json import PUBLIC_JSON
from planner.routing import read_endpoint
from planner.web import reading


class _Accounts(LoginManager):
    """Flask-Login's, but strong session protection guards signed-in sessions only. Flask-Login
    counts a session without an account as failing it whenever it holds anything (a form's CSRF
    token), and clears it: every answer, a static file's too, then set the cookie again. A
    stylesheet or favicon asked for by the page before signing in, answered after it, set the
    session back to the one before: the co-lead was signed out (a browser test did so on a
    loaded CI machine)."""

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = _Accounts()
login_manager.session_protection = "strong"


def _session_identifier() -> str:
    """What a session is bound to under strong protection: the client's network as throttling
    counts it (`client_address`: the address behind TRUSTED_PROXIES; of IPv6, its /64) and its
    browser. Flask-Login's own reads the first X-Forwarded-For entry itself, which the client
    writes: a copied cookie sent with the owner's address there passed as theirs, and an IPv6
    laptop was signed out whenever its privacy address changed within its own /64."""
    seen = f"{client_address()}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha512(seen.encode("utf-8", "replace")).hexdigest()


login_manager._session_identifier_generator = _session_identifier

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The account a session names, if the session is still current: signing out or a new
    password raises the account's session version, and older sessions name an old one."""
    user_id, _, version = session_id.partition(":")
    try:
        user = db.session.get(User, db_int(user_id))
    except ValueError:
        return None
    if user is None or version != str(user.session_version):
        return None
    return user


def rotate_csrf_token() -> None:
    """A new CSRF token for this session from the next form on: one seen before signing in or
    out no longer validates."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def sent_token() -> ApiToken | None:
    """The API token the request's `Authorization: Bearer ...` carries, if the planner knows it
    and it is not revoked; expired or not, read-only or not (`bearer_user` says whether it may
    do this request).

    The API trusts nothing but this header: a browser attaches the session cookie to any
    cross-site request, so a cookie alone must never authorise a write that has no CSRF check.
    """
    if _SENT in request.environ:  # read once a request: the check before it, then its view
        return request.environ[_SENT]
    token = None
    if (credentials := _bearer_credentials()) is not None:
        # With its co-lead, in the one statement: every API request reads both.
        token = db.session.scalar(
            select(ApiToken)
            .options(joinedload(ApiToken.user, innerjoin=True))
            .where(ApiToken.token_hash == digest(credentials), ApiToken.revoked_at.is_(None))
        )
    request.environ[_SENT] = token
    return token


_SENT = "planner.sent_token"


def _bearer_credentials() -> str | None:
    """What `Authorization: Bearer <token>` sends (the scheme in any case, RFC 9110); None when
    the request sends no such header, or an empty one."""
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def bearer_user() -> User | None:
    """The co-lead whose API token the request carries, if it works (neither revoked nor
    expired) and may do this request (a read-only one only reads)."""
    token = sent_token()
    if token is None or not token.works or not token.allows(request.method):
        return None
    return _used(token)


def _used(token: ApiToken) -> User:
    # When it was last used, to the hour: no write on every request of a busy script.
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        token.last_used_at = now
    return token.user


def colead_required(view: Callable) -> Callable:
    """Pages redirect to sign-in; the API answers 401. A one-time password must be changed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if is_api_request():
            return _api_view(view, *args, **kwargs)
        if not current_user.is_authenticated:
            if request.method == "POST" and (page := _sign_in_to_send()) is not None:
                return page
            flash("Sign in as a co-lead to do that.", "warning")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        if not current_user.is_colead:
            abort(403, "Only co-leads can do that.")
        if current_user.must_change_password:
            flash("Choose your own password first.", "warning")
            return redirect(url_for("accounts.password", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    wrapper.colead_only = True  # read by `for_coleads_only`
    return wrapper


def for_coleads_only() -> bool:
    """Whether the request's address is one of the co-leads' (`colead_required`)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "colead_only", False)


def sign_in_to_send_if_signed_out():
    """A co-lead's form refused for its session (`http_errors._session_expired`) while nobody is
    signed in, as when the co-lead signed out in another tab, which ends the session the form's
    token was of, or the session ended after a while: straight to the sign-in page holding it,
    as a form whose token still held is (`_sign_in_to_send`), not first a page to send it again
    from, which leads there. None for anything else, or a form that may not be carried."""
    if not for_coleads_only() or current_user.is_authenticated:
        return None
    return _sign_in_to_send()


def sign_in_again_to_send():
    """The sign-in page holding a form (`carried_form`), refused itself for its token
    (`http_errors._session_expired`): opened before someone signed in or out in another tab,
    which gives the browser a new one. It comes back holding the form, with a token of this
    session and the address typed: signing in sends it, as whoever signs in then. Never a
    sign-in another site posted (it would be sent on signing in); None for anything else."""
    from planner.accounts.forms import LoginForm

    if request.endpoint != "accounts.login" or not sent_from_our_pages():
        return None
    if (carried := carried_form()) is None:
        return None
    form = LoginForm(formdata=None, data={"email": request.form.get("email", "")})
    form.password.errors = [
        "This sign-in page was opened before someone signed in or out in another window: "
        "sign in again here, and your changes are sent."
    ]
    return carried_page("accounts/login.html", form, carried, 400)


# Where the sign-in page keeps a form that was sent signed out: `carried:<name>` fields, and the
# address it was sent to.
CARRIED = "carried:"
CARRIED_TO = "carried_to"


def _sign_in_to_send():
    """A form sent after the session ended (signed out in another window, or too old): the
    sign-in page, holding what was typed, so that signing in leads to sending it again. None
    where it may not be carried (see `http_errors.typed_fields`): then sign-in as usual."""
    from planner.accounts.forms import LoginForm

    fields = typed_fields()
    if fields is None:
        return None
    carried = (request.full_path.rstrip("?"), fields)
    return carried_page("accounts/login.html", LoginForm(formdata=None), carried, 401)


def carried_page(template: str, form, carried, status: int = 200, headers=None):
    """A sign-in or password page that holds a form sent while signed out (`carried`: its
    address and fields), kept by no cache."""
    action, fields = carried
    page = render_template(
        template,
        form=form,
        carried=[(CARRIED + name, value) for name, value in fields],
        carried_to=action,
    )
    return page, status, {**(headers or {}), **NOT_STORED}


def carried_form() -> tuple[str, list[tuple[str, str]]] | None:
    """The form a sign-in carried (see `_sign_in_to_send`): its address and fields."""
    target = safe_next(request.form.get(CARRIED_TO), "")
    if not target:
        return None
    fields = [
        (name.removeprefix(CARRIED), value)
        for name, value in request.form.items(multi=True)
        if name.startswith(CARRIED)
    ]
    return target, fields


def _api_view(view: Callable, *args, **kwargs):
    # A token sent and not taken was answered before the view (`install`: `refused_token`).
    user = bearer_user()
    if user is None:
        return _unauthorized(_not_taken(sent_token()))
    if not user.is_colead:
        abort(403, "Only co-leads can do that.")
    g.api_user = user
    return view(*args, **kwargs)


def refused_token():
    """The answer to an API request whose bearer token the planner does not take, on any of
    its addresses, public ones too (RFC 6750: an invalid token is a 401): a script whose token
    expired is told so, not answered as anyone, without the co-leads' notes it expects. A
    read-only token sent to write is a 403. Credentials of another scheme (`Basic ...`), or
    `Bearer` with nothing after it (a script's unset variable), are no token either: a 401, not
    the answer to anyone, which would look like a token that works. None for a token that may
    do the request, or no Authorization header at all."""
    if "Authorization" not in request.headers:
        return None
    token = sent_token()
    if token is None or not token.works:
        return _unauthorized(_not_taken(token))
    if not token.allows(request.method):
        # Known and working, but made to read only: refused as such, not as unknown.
        return api_error(
            403,
            f"This API token{_named(token)} is read-only: it can only read (GET). To "
            f"{request.method} here, make a token that can write on your account page "
            f"({url_for('accounts.account', _external=True)}).",
        )
    return None


def _unauthorized(message: str):
    response = api_error(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="cws-planner"'
    return response


def _named(token: ApiToken) -> str:
    return f" (“{token.name}”)" if token.name else ""


def _not_taken(token: ApiToken | None) -> str:
    """Why the API takes no token from this request, said to whoever sent it: helpful to the
    script's author, without telling an unknown token from a revoked one (helper-155)."""
    if _bearer_credentials() is None:
        return _no_bearer_token()
    new_one = (
        f"make a new one on your account page ({url_for('accounts.account', _external=True)}), "
        "or with 'flask --app app users token --email <your address>'"
    )
    if token is None:
        return (
            "This API token is not one the planner knows, or it was revoked: check it, or "
            f"{new_one}."
        )
    # Only whoever holds the token reads this: that it existed tells them nothing new.
    ended = token.expires_at.strftime(WHEN)
    return f"This API token{_named(token)} expired on {ended}: {new_one}."


def _no_bearer_token() -> str:
    """What to send, saying what came instead if anything did: another scheme (named when it
    is a short word), a Bearer with no token, or an empty header."""
    ask = "Send a co-lead's API token as 'Authorization: Bearer ...'."
    if "Authorization" not in request.headers:
        return ask
    scheme = request.headers["Authorization"].strip().partition(" ")[0]
    if not scheme:
        return f"The Authorization header is empty. {ask}"
    if scheme.lower() == "bearer":
        return f"'Authorization: Bearer' came with no token. {ask}"
    if _SCHEME.fullmatch(scheme):
        return f"The API takes no '{scheme}' credentials. {ask}"
    return f"The API takes no credentials but a token. {ask}"


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9._~+-]{0,19}")


def is_colead() -> bool:
    """Whether the person signed in on the pages is a co-lead: the one test views and templates
    use to show co-leads' tools and drafts. Not yet while they hold a one-time password, as
    `colead_required` says: whoever read it where it was passed on would see contacts and
    private links without choosing a password, which the co-lead would notice."""
    return (
        current_user.is_authenticated
        and current_user.is_colead
        and not current_user.must_change_password
    )


def api_colead() -> bool:
    """Whether an API request carries a co-lead's token: what a public endpoint shows co-leads
    beyond what it shows anyone (their notes, who wrote them)."""
    user = bearer_user()
    return user is not None and user.is_colead


def editor() -> str | None:
    """Who is writing, for provenance and history."""
    if api_user := g.get("api_user"):
        return api_user.email
    return current_user.email if current_user.is_authenticated else None


def client_address() -> str:
    """The client's address as throttling counts it (from X-Forwarded-For behind
    TRUSTED_PROXIES); of an IPv6 address, its /64."""
    # Behind a proxy it is whatever X-Forwarded-For said: printable, and fitting the column.
    address = "".join(ch for ch in request.remote_addr or "" if ch.isprintable())
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6 and ip.ipv4_mapped is None:
        # A network hands each machine a /64 of its own, 2**64 addresses it may send from
        # (helper-194: one address per guess was never held up).
        return str(ipaddress.ip_network((ip, 64), strict=False))
    return str(ip)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site, never another host (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    # Browsers drop tabs and newlines and read a backslash as a slash: "/\\evil" or "/\t/evil"
    # would leave the site.
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


class PagesOnlySessions(SecureCookieSessionInterface):
    """The signed session cookie, opened on the pages only. The API trusts nothing but a bearer
    token (`sent_token`): a browser sends the cookie with another site's requests too, so
    nothing there may read it, which is so by construction (no co-lead is signed in on the API,
    and no answer varies with the cookie nor sets one). Nor does a public JSON file beside the
    pages, a calendar feed, the zone list nor a static file (`opens_no_session`)."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if opens_no_session():
            return self.make_null_session(app)
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """The session's cookie written, if it changed; then the rule for any answer that sets
        a cookie, the last word on it before it leaves: no cache keeps it. A shared cache in
        front (nginx, Varnish, a CDN) that kept one handed the cookie to whoever asked next:
        the first visitor's session and the CSRF token written for it on the volunteer form,
        a redirect to sign-in's, or the page after signing out, whose cookie ends the session
        it is sent to (helper-363)."""
        super().save_session(app, session, response)
        if "Set-Cookie" in response.headers:
            response.headers.update(NOT_STORED)


# The calendar feeds: the same bytes to anyone, a co-lead signed in too (an office's to anyone
# holding its link), which calendar programs poll every few minutes through a cache in front.
FEEDS = frozenset(
    {
        "calendar.meeting_ics",
        "calendar.taskforce_ics",
        "calendar.taskforce_talks_ics",
        "calendar.recommendation_ics",
        "calendar.office_ics",
    }
)


# The time zones a zone field offers (`agenda.views.zones`): the same list to anyone in a language.
ZONE_LIST = "agenda.zones"

# Stylesheets, scripts, the icon: the same bytes to anyone, kept a year by any cache.
STATIC = "static"


def opens_no_session() -> bool:
    """Whether this request is the API's, a public JSON file's beside the pages (a meeting's
    schedule.json), a calendar feed's, the zone list's or a static file's, the same to anyone, a
    co-lead signed in too: they open no session, so that an answer neither varies with the
    cookie (a cache in front kept one copy per visitor) nor differs for a co-lead (their 404
    said "private, no-store"). Asked before Flask matches the address, which is matched then,
    once (`routing.read_endpoint`)."""
    return is_api_request() or read_endpoint() in PUBLIC_JSON | FEEDS | {ZONE_LIST, STATIC}


def install(app: Flask) -> None:
    app.session_interface = PagesOnlySessions()
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    app.add_template_global(is_colead, "is_colead")

    @app.before_request
    def token_taken():
        if is_api_request():
            return refused_token()
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if carries_a_secret():
            # A private link's page (a proposal's, a presenter's): its address goes to no other
            # site, and no cache keeps the contact it shows.
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers.setdefault("Cache-Control", "private, no-store")
        elif "Authorization" in request.headers or current_user.is_authenticated:
            # Co-leads' pages and API answers show contacts, notes and private links: kept in
            # no shared cache or disk.
            response.headers.setdefault("Cache-Control", "private, no-store")
        elif not reading():
            # A page answering a form holds what was typed (the volunteer form refused, or
            # shown again with its availability read: a name and an address): kept by no cache
            # either, though no one is signed in.
            response.headers.setdefault("Cache-Control", "private, no-store")
        elif writes_a_form_token(response):
            # A form's page (the volunteer form, sign-in) holds the CSRF token of this
            # visitor's session: a cache that kept it for everyone (one not told apart by the
            # cookie) handed each next volunteer a form their session refused (helper-363).
            response.headers.setdefault("Cache-Control", "private, no-store")
        if request.path.startswith("/api/"):
            # A co-lead's token adds what others do not see (notes, drafts) to public answers.
            response.vary.add("Authorization")
        return response


def writes_a_form_token(response: Response) -> bool:
    """Whether the answer writes the CSRF token of this request's session into a form."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return bool(token) and token.encode() in response.get_data()


# Where private links live: an address there that no route matched ("/presenter/<token>/junk",
# a link cut or extended in a mail client) may hold a token too.
_PRIVATE_PLACES = ("presenter", "proposals", "unsubscribe")


def carries_a_secret() -> bool:
    """Whether the request's address holds a private link's or a feed's token (or would, had a
    route matched it)."""
    if "token" in (request.view_args or {}) or "token" in request.args:
        return True
    return request.url_rule is None and request.path.lstrip("/").startswith(
        tuple(f"{place}/" for place in _PRIVATE_PLACES)
    )
