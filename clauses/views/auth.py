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
from clauses.extensions import db
from clauses.forms.auth import LanguageForm, LoginForm
from clauses.services import accounts, sessions

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot send anyone to another site."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = sessions.authenticate(db.session(), form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@web.signed_in
def logout() -> Response:
    sessions.logout(db.session(), web.user())
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
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
