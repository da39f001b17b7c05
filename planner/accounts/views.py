"""Signing in and out, and changing one's password.

Signing out ends every session of the account (all browsers and any copy of the cookie), as
does a new password, except in the browser that chose it.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from planner.accounts import throttle
from planner.accounts.forms import LoginForm, PasswordForm, weak_password
from planner.accounts.models import ONE_TIME_PASSWORD_LASTS, User, password_matches
from planner.accounts.security import (
    carried_form,
    carried_page,
    client_address,
    rotate_csrf_token,
    safe_next,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.http_errors import NOT_STORED, shown_fields
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
                user = db.session.scalar(select(User).where(User.email == email))
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
        current_user.end_sessions()
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
