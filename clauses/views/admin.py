"""Administration: user accounts, organisations, the audit log and the compliance thresholds,
for administrators only."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from stdnum.fr import siret as stdnum_siret
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from clauses.access import policy, web
from clauses.errors import InvalidValue
from clauses.extensions import db
from clauses.forms.admin import (
    WITHOUT_USER,
    AccountFields,
    AuditFilterForm,
    EditUserForm,
    NewUserForm,
    OrganisationFilterForm,
    OrganisationForm,
    PasswordForm,
    RankingForm,
    ThresholdsForm,
    UserFilterForm,
)
from clauses.forms.fields import in_id_range, options
from clauses.messages import audit as audit_text
from clauses.messages import labels
from clauses.models import AuditLog, Organisation, OrganisationKind, Role, User
from clauses.services import accounts, audit, candidates, communes, compliance, organisations

bp = Blueprint("admin", __name__, url_prefix="/admin")

T = TypeVar("T")


@bp.before_request
@web.requires(policy.can_administer)
def admins_only() -> None:
    """Every page of the blueprint: the login page when signed out, 403 for other roles."""


@bp.context_processor
def helpers() -> dict[str, Any]:
    return {
        "object_label": audit_text.object_text,
        "datetime_text": lambda value: str(format_datetime(value, "medium")),
        "iso_datetime": _iso_datetime,
        "details_lines": audit_text.details_lines,
        "siret_text": lambda value: stdnum_siret.format(value) if value else "",
        "min_password": accounts.MIN_PASSWORD_LENGTH,
    }


def _iso_datetime(value: datetime) -> str:
    """For <time datetime>: SQLite gives back naive times, which are UTC as written."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


@bp.route("/")
def index() -> Response:
    return redirect(url_for(".users"))


# Users


@bp.route("/users")
def users() -> str:
    form = UserFilterForm(request.args)
    form.role.choices = options(labels.choices(Role), _("All roles"))
    listing = accounts.users_page(db.session(), form.filters(), **_listing())
    return render_template("admin/users.html", form=form, listing=listing)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> str | Response:
    form = _account_form(NewUserForm())
    if form.validate_on_submit():
        actor = web.user()
        done = _attempt(form, lambda: accounts.create_account(db.session(), actor, form.account()))
        if done is not None:
            user, generated = done.value
            if generated:
                return _password_shown(user, generated, created=True)
            flash(_("The account %(email)s is created.", email=user.email), "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = _account_form(EditUserForm(obj=user))
    if form.validate_on_submit():
        actor = web.user()
        done = _attempt(
            form, lambda: accounts.update_account(db.session(), actor, user, form.changes())
        )
        if done is not None:
            _flash_saved(done.value, _("The account %(email)s is saved.", email=user.email))
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int) -> Response:
    return _set_active(user_id, active=False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate_user(user_id: int) -> Response:
    return _set_active(user_id, active=True)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        actor = web.user()
        password = form.password.data or None
        done = _attempt(form, lambda: accounts.reset_password(db.session(), actor, user, password))
        if done is not None:
            if user.id == actor.id:
                web.stay_signed_in(actor)
            if done.value:
                return _password_shown(user, done.value, created=False)
            flash(_("The password of %(email)s is changed.", email=user.email), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/password.html", form=form, user=user)


# Organisations


@bp.route("/organisations", endpoint="organisations")
def organisations_list() -> str:
    form = OrganisationFilterForm(request.args)
    form.kind.choices = options(labels.choices(OrganisationKind), _("All kinds"))
    listing = organisations.organisations_page(db.session(), form.filters(), **_listing())
    return render_template("admin/organisations.html", form=form, listing=listing)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation() -> str | Response:
    form = _organisation_form(OrganisationForm())
    if form.validate_on_submit():
        actor = web.user()
        done = _attempt(
            form,
            lambda: organisations.create_organisation(db.session(), actor, form.organisation()),
        )
        if done is not None:
            flash(_("The organisation %(name)s is created.", name=done.value.name), "success")
            return redirect(url_for(".organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int) -> str | Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    form = _organisation_form(OrganisationForm(obj=organisation))
    if form.validate_on_submit():
        actor = web.user()
        done = _attempt(
            form,
            lambda: organisations.update_organisation(
                db.session(), actor, organisation, form.organisation()
            ),
        )
        if done is not None:
            _flash_saved(
                done.value, _("The organisation %(name)s is saved.", name=organisation.name)
            )
            return redirect(url_for(".organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)


# Audit log


@bp.route("/audit", endpoint="audit")
def audit_log() -> str:
    form = _audit_filter_form()
    page = audit.events_page(db.session(), form.filters(), *_page())
    names = audit.referenced_names(db.session(), page.items)
    return render_template("admin/audit.html", form=form, page=page, names=names)


# Compliance thresholds


@bp.route("/thresholds", methods=["GET", "POST"])
def thresholds() -> str | Response:
    current = compliance.current_thresholds(db.session())
    form = ThresholdsForm(on_track=current.on_track, at_risk=current.at_risk)
    if form.validate_on_submit():
        actor = web.user()
        done = _attempt(
            form, lambda: compliance.set_thresholds(db.session(), actor, form.thresholds())
        )
        if done is not None:
            flash(_("The compliance thresholds are saved."), "success")
            return redirect(url_for(".thresholds"))
    return render_template("admin/thresholds.html", form=form, current=current)


# Candidate ranking: the weights and the programme's départements


@bp.route("/ranking", methods=["GET", "POST"])
def ranking() -> str | Response:
    weights = candidates.current_weights(db.session())
    departments = communes.departments(db.session())
    form = RankingForm(**weights.as_dict(), departments=", ".join(departments))
    if form.validate_on_submit():
        actor = web.user()

        def save() -> int:
            candidates.set_weights(db.session(), actor, form.weights())
            return communes.set_departments(db.session(), actor, [form.departments.data])

        done = _attempt(form, save)
        if done is not None:
            flash(_("The ranking settings are saved."), "success")
            if done.value:
                changed = ngettext(
                    "Communes resolved again: %(num)s record changed.",
                    "Communes resolved again: %(num)s records changed.",
                    done.value,
                )
                flash(changed, "info")
            return redirect(url_for(".ranking"))
    return render_template(
        "admin/ranking.html", form=form, weights=weights, departments=departments
    )


# Helpers


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T


def _attempt(form: FlaskForm, action: Callable[[], T]) -> Done[T] | None:
    """Run a service and commit; a refused change is shown on the form and nothing is kept."""
    try:
        value = action()
    except InvalidValue as error:
        db.session.rollback()
        _show_error(form, error)
        return None
    db.session.commit()
    return Done(value)


def _show_error(form: FlaskForm | None, error: InvalidValue) -> None:
    """Next to the field it concerns, else at the top of the form, else as a message."""
    if form is None:
        flash(error.message, "danger")
    elif error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def _set_active(user_id: int, *, active: bool) -> Response:
    user = db.get_or_404(User, user_id)
    try:
        accounts.set_active(db.session(), web.user(), user, active)
    except InvalidValue as error:
        _show_error(None, error)
    else:
        db.session.commit()
        if active:
            flash(_("%(email)s can sign in again.", email=user.email), "success")
        else:
            flash(_("%(email)s can no longer sign in.", email=user.email), "success")
    return redirect(url_for(".edit_user", user_id=user_id))


def _password_shown(user: User, password: str, *, created: bool) -> Response:
    """The generated password, on this one page: it is stored nowhere but as a hash."""
    page = render_template(
        "admin/password_shown.html", user=user, password=password, created=created
    )
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _flash_saved(changed: bool, message: str) -> None:
    flash(message if changed else _("Nothing was changed."), "success" if changed else "info")


def _account_form(form: AccountFields) -> AccountFields:
    form.role.choices = options(labels.choices(Role))
    # Grouped by kind, so the buyers and the contractors each role needs are easy to find.
    form.organisation_id.choices = [SelectChoice("", _("No organisation"))] + [
        SelectChoice(str(org.id), org.name, optgroup=labels.label(org.kind))
        for org in organisations.all_organisations(db.session())
    ]
    return form


def _organisation_form(form: OrganisationForm) -> OrganisationForm:
    form.kind.choices = options(labels.choices(OrganisationKind))
    return form


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    actions = audit.recorded_values(db.session(), AuditLog.action)
    types = audit.recorded_values(db.session(), AuditLog.object_type)
    form.action.choices = options(
        ((code, audit_text.action_text(code)) for code in actions), _("All actions")
    )
    form.object_type.choices = options(
        ((code, audit_text.object_text(code)) for code in types), _("All objects")
    )
    people = [(WITHOUT_USER, _("No account (command line, failed sign-in)"))]
    people += [(str(user.id), user.email) for user in audit.actors(db.session())]
    form.user.choices = options(people, _("Everyone"))
    return form


def _page() -> tuple[int, int]:
    number = in_id_range(request.args.get("page", 1, type=int)) or 1
    return number, current_app.config["PAGE_SIZE"]


def _listing() -> dict[str, Any]:
    number, size = _page()
    return {
        "sort": request.args.get("sort"),
        "order": request.args.get("order"),
        "page": number,
        "size": size,
    }
