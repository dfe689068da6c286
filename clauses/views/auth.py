"""Signing in and out, and the language switch."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from clauses.access import web
from clauses.errors import SignInDelayed
from clauses.extensions import db, limiter
from clauses.forms.auth import LanguageForm, LoginForm
from clauses.services import accounts, sessions

bp = Blueprint("auth", __name__)

# Failed sign-ins from one address, whatever the accounts: past them, 429 until the minute ends.
# A successful sign-in (a redirect) does not count.
FAILED_LOGINS_PER_ADDRESS = "30 per minute"


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot send anyone to another site."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    FAILED_LOGINS_PER_ADDRESS, methods=["POST"], deduct_when=lambda r: r.status_code != 302
)
def login() -> str | tuple[str, int] | Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        try:
            user = sessions.authenticate(
                db.session(), form.email.data, form.password.data, address=address
            )
        except SignInDelayed as delayed:
            db.session.commit()  # the refusal is audited
            flash(delayed.message, "danger")
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is not None:
            _new_session()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "danger")
    return render_template("auth/login.html", form=form)


def _new_session() -> None:
    """Nothing of the session from before signing in is carried over (a session an attacker
    prepared, the CSRF token), except the language chosen."""
    lang = session.get("lang")
    session.clear()
    if lang is not None:
        session["lang"] = lang


@bp.route("/logout", methods=["POST"])
@web.signed_in
def logout() -> Response:
    sessions.logout(db.session(), web.user())
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@web.signed_in
def logout_everywhere() -> Response:
    """Every session of the account ends, on every device, remember-me cookies included."""
    sessions.logout_everywhere(db.session(), web.user())
    db.session.commit()
    logout_user()
    flash(_("All your sessions are closed, on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language() -> Response:
    """The language switch: remembered on the account when signed in, else in the session."""
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            accounts.remember_locale(web.user(), form.lang.data)
            db.session.commit()
    return redirect(_safe_next(form.next.data))
