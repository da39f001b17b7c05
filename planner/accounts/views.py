"""Signing in and out, changing one's password, and one's API tokens (the account page).

Signing out ends every session of the account (all browsers and any copy of the cookie), as
does a new password, except in the browser that chose it.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from planner.accounts import throttle
from planner.accounts.forms import LoginForm, PasswordForm, TokenForm, weak_password
from planner.accounts.models import (
    ONE_TIME_PASSWORD_LASTS,
    ApiToken,
    account_by_email,
    digest,
    password_matches,
)
from planner.accounts.security import (
    carried_form,
    carried_page,
    client_address,
    colead_required,
    rotate_csrf_token,
    safe_next,
)
from planner.accounts.tokens import (
    WHEN,
    called,
    how_ended,
    make_token,
    own_token,
    revoke_token,
    tokens_of,
)
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.http_errors import NOT_STORED, shown_fields
from planner.timezones import until_in
from planner.turns import hold
from planner.web import keep_changes

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next"), url_for("survey.overview"))
    status, headers = 200, {}
    # A form sent while signed out, kept by the sign-in page (`security._sign_in_to_send`).
    carried = carried_form() if request.method == "POST" else None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = client_address()
        try:
            tried = throttle.check_sign_in(address, email)
        except throttle.Throttled as refusal:
            form.password.errors.append(refusal.message)
            status, headers = 429, refusal.headers()
        else:
            try:
                user = account_by_email(email)
                right = password_matches(user, form.password.data)
            except Exception:
                # Nothing was checked, nothing learnt: not a failure to count.
                throttle.take_back(tried)
                raise
            if not right:
                # Counted already, as every try is until its password proves right.
                form.password.errors.append("Email or password is wrong.")
                status = 401
            elif user.one_time_password_expired:
                # Said only to whoever typed it right: it tells no one else the account exists.
                throttle.forget_sign_in_failures(address, email)
                form.password.errors.append(
                    f"This one-time password has expired: it was to be changed within "
                    f"{ONE_TIME_PASSWORD_LASTS.days} days. Ask a co-lead to give you a new one "
                    "(flask users password --email …)."
                )
                status = 401
            else:
                throttle.forget_sign_in_failures(address, email)
                user.last_login_at = utcnow()
                login_user(user)
                rotate_csrf_token()
                if user.must_change_password:
                    if carried is not None:
                        # The form goes on through choosing a password, then is sent again.
                        return carried_page(
                            "accounts/password.html", PasswordForm(formdata=None), carried
                        )
                    return redirect(url_for(".password", next=target))
                if carried is not None:
                    # Signed in to send a form that came while signed out: it goes again
                    # from the next page, with a token of this session.
                    return _send_again(*carried)
                return redirect(target)
    elif form.errors:
        status = 400
    if carried is not None:
        return carried_page(
            "accounts/login.html", form, carried, 401 if status == 200 else status, headers
        )
    return render_template("accounts/login.html", form=form), status, headers


def _send_again(action: str, fields: list[tuple[str, str]]):
    page = render_template(
        "errors/session_expired.html",
        signed_in=True,
        fields=fields,
        shown=shown_fields(fields),
        obstacle=None,
        action=action,
        csrf_field=current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"),
        reason="You were signed out before the form was sent.",
    )
    return page, 200, NOT_STORED


@bp.post("/logout")
def logout():
    """Ends every session of the account, not only this browser's: a cookie copied from any
    of them stops working too."""
    if current_user.is_authenticated:
        # Counted on from the account's session number as stored once any change of it under
        # way has ended: a new password chosen at the same moment in another browser (another
        # instance) wrote the same number, and that browser stayed signed in.
        user = current_user._get_current_object()
        hold(user)
        user.end_sessions()
    logout_user()
    rotate_csrf_token()
    flash("Signed out.", "success")
    return redirect(url_for("survey.overview"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    status, headers = 200, {}
    carried = carried_form() if request.method == "POST" else None
    if form.validate_on_submit():
        # Someone holding a stolen session guesses the current password here as at sign-in:
        # the same throttle holds them up.
        address, email = client_address(), current_user.email
        try:
            throttle.check_sign_in(address, email)
        except throttle.Throttled as refusal:
            form.current.errors.append(refusal.message)
            status, headers = 429, refusal.headers()
        else:
            # One change of the account at a time, checked against its password as stored once
            # the one before has ended: two browsers choosing a password at once from the same
            # one-time password (two instances) were both told it changed, and the later write
            # replaced the other's password, neither signed out.
            hold(current_user._get_current_object())
            right = current_user.check_password(form.current.data)
            if right:
                # The try was counted as a failure until now, whatever the rest of the form says.
                throttle.forget_sign_in_failures(address, email)
                keep_changes()
            if not right:
                form.current.errors.append("That is not your current password.")
            elif form.new.data == form.current.data:
                form.new.errors.append("Choose a password different from the current one.")
            elif weakness := weak_password(form.new.data, current_user.email):
                form.new.errors.append(weakness)
            else:
                user = current_user._get_current_object()
                user.set_password(form.new.data)  # which ends every session of the account ...
                login_user(user)  # ... but this one, where the person chose it
                flash(
                    "Password changed. Any other browser signed in to this account is signed out.",
                    "success",
                )
                if carried is not None:
                    return _send_again(*carried)
                return redirect(safe_next(request.args.get("next"), url_for("survey.overview")))
    if form.errors and status == 200:
        status = 400
    if carried is not None:
        return carried_page("accounts/password.html", form, carried, status, headers)
    return render_template("accounts/password.html", form=form), status, headers


@bp.get("/account")
@colead_required
def account():
    return _account_page(TokenForm(formdata=None))


def _account_page(form: TokenForm, made: str | None = None):
    now = utcnow()
    working, ended = tokens_of(current_user._get_current_object())
    shown = digest(made) if made else None
    return render_template(
        "accounts/account.html",
        form=form,
        made=made,
        made_token=next((t for t in working if t.token_hash == shown), None),
        working=working,
        ended=ended,
        how_ended=how_ended,
        called=called,
        when=WHEN,
        # "in 30 days" of a token just made for 30 (by the calendar, as the times are shown in
        # UTC): whole days elapsed said "in 29 days".
        until=lambda moment: until_in("en", "UTC", moment, now),
    )


@bp.post("/account/tokens")
@colead_required
def make_token_view():
    """Shows the new token in the answer, once: the planner keeps only its digest."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _account_page(form), 400
    user = current_user._get_current_object()
    try:
        made = make_token(user, form.name.data, days=form.days.data, read_only=form.read_only.data)
    except PlannerError as error:
        if error.field in form:
            form[error.field].errors.append(error.message)
        else:
            flash(error.message, "error")
        return _account_page(form), error.status
    db.session.flush()
    # A blank form under the new token: sent again, it would only be refused as a twin.
    return _account_page(TokenForm(formdata=None), made=made)


def _own_token(token_id: int) -> ApiToken:
    token = own_token(current_user, token_id)
    if token is None:
        # Another co-lead's token, or none: the same answer, naming neither.
        abort(404, "You have no API token with this number.")
    return token


@bp.get("/account/tokens/<int:token_id>/revoke")
@colead_required
def confirm_revoke_token(token_id: int):
    """Asks first, saying what revoking the token changes."""
    token = _own_token(token_id)
    back = url_for(".account") + "#tokens"
    if not token.works:
        flash("This token does not work any more: there is nothing to revoke.", "warning")
        return redirect(back)
    return render_template(
        "confirm.html",
        question=f"Revoke the API token {called(token)}?",
        consequences=[
            "Every script or job that sends it is refused (401) from its next request on, on "
            "every instance of the planner.",
            "Your other tokens and your signed-in pages keep working.",
            "It cannot be undone: to let a script in again, make a new token and give it that.",
        ],
        action=url_for(".revoke_token_view", token_id=token.id),
        button="Revoke the token",
        back=back,
        crumbs=[("Your account", url_for(".account"))],
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@colead_required
def revoke_token_view(token_id: int):
    token = _own_token(token_id)
    try:
        revoke_token(token)
    except PlannerError as error:
        flash(error.message, "error")
        return _account_page(TokenForm(formdata=None)), error.status
    flash(
        f"The token {called(token)} is revoked: the API refuses it now.",
        "success",
    )
    return redirect(url_for(".account") + "#tokens")
