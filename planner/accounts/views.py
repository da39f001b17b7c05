"""Signing in and out, and changing one's password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from planner.accounts.forms import LoginForm, PasswordForm
from planner.accounts.models import User, password_matches
from planner.accounts.security import (
    WINDOW,
    clear_failures,
    client_address,
    login_blocked,
    record_failure,
    safe_next,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.web import keep_changes

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next"), url_for("survey.overview"))
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = client_address()
        user = db.session.scalar(select(User).where(User.email == email))
        if login_blocked(email, address):
            form.password.errors.append(
                "Too many failed sign-ins for this account or from this address; "
                f"wait {WINDOW.seconds // 60} minutes and try again."
            )
            status = 429
        elif not password_matches(user, form.password.data):
            record_failure(email, address)
            keep_changes()  # the failure counts towards throttling, whatever the answer
            form.password.errors.append("Email or password is wrong.")
            status = 401
        else:
            clear_failures(email)
            user.last_login_at = utcnow()
            login_user(user)
            if user.must_change_password:
                return redirect(url_for(".password", next=target))
            return redirect(target)
    elif form.errors:
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash("Signed out.", "success")
    return redirect(url_for("survey.overview"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("That is not your current password.")
        elif form.new.data == form.current.data:
            form.new.errors.append("Choose a password different from the current one.")
        else:
            current_user.set_password(form.new.data)
            flash("Password changed.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("survey.overview")))
    return render_template("accounts/password.html", form=form), (400 if form.errors else 200)
