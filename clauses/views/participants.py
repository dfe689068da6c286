"""Participants pages: the clause team's register; contractors see names on their own rows.

Buyers see no participant at all (403). A contractor's pages show names and the hours on
their own contracts, never eligibility, criteria, QPV, sex or commune.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from clauses import clock
from clauses.access import policy, web
from clauses.errors import DuplicateParticipant, EligibilityWithoutCriterion
from clauses.extensions import db
from clauses.forms.participants import EligibilityForm, ParticipantFilterForm, ParticipantForm
from clauses.messages import imports as import_messages
from clauses.messages import labels
from clauses.models import Criterion, Participant, Sex
from clauses.services import audit, participants, participants_import, placements, reads
from clauses.views import reference_files
from clauses.views.placements import move_options

bp = Blueprint("participants", __name__, url_prefix="/participants")


@bp.route("/")
@web.requires(policy.can_see_participants)
def index() -> str:
    viewer = web.user()
    form = ParticipantFilterForm(request.args)
    if policy.sees_personal_data(viewer):
        form.set_options(participants.filter_options(db.session()))
    listing = participants.list_participants(
        db.session(),
        viewer,
        form.filters(),
        size=current_app.config["PAGE_SIZE"],
        **form.listing_args(),
    )
    return render_template("participants/index.html", form=form, listing=listing)


@bp.route("/<int:participant_id>")
@web.requires(policy.can_see_participants)
def detail(participant_id: int) -> str:
    viewer = web.user()
    person = web.participant_or_404(participant_id)
    _viewed(person)
    entries = participants.hours_of(db.session(), viewer, person)
    if not policy.sees_personal_data(viewer):
        return render_template("participants/names_only.html", person=person, entries=entries)
    events = audit.history(db.session(), "participant", person.id)
    return render_template(
        "participants/detail.html",
        person=person,
        entries=entries,
        events=events,
        eligibility_form=EligibilityForm(),
        placements=placements.of_participant(db.session(), viewer, person, clock.today()),
        **move_options(),
    )


@bp.route("/new", methods=["GET", "POST"])
@web.requires(policy.can_edit_reference_data)
def new() -> str | Response:
    return _participant_form(None)


@bp.route("/import", methods=["GET", "POST"])
@web.requires(policy.can_edit_reference_data)
def import_file() -> str:
    return reference_files.import_page(
        participants_import.import_participants,
        _("Import participants"),
        _(
            "Nom, Prénom, Date de naissance, Sexe, Commune de résidence, QPV (oui/non), Critères "
            "d'éligibilité (separated by \";\"), Date de validation de l'éligibilité (empty: to "
            "verify), Métiers recherchés, Disponible (oui/non), Téléphone, E-mail."
        ),
        "participants.index",
    )


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@web.requires(policy.can_edit_reference_data)
def edit(participant_id: int) -> str | Response:
    person = web.participant_or_404(participant_id)
    if request.method == "GET":
        _viewed(person)
    return _participant_form(person)


def _viewed(person: Participant) -> None:
    reads.participant_viewed(db.session(), web.user(), person)
    db.session.commit()


@bp.route("/<int:participant_id>/eligibility", methods=["POST"])
@web.requires(policy.can_edit_reference_data)
def eligibility(participant_id: int) -> Response:
    person = web.participant_or_404(participant_id)
    form = EligibilityForm()
    if form.validate_on_submit():
        _set_eligibility(person, validated=form.action.data == "validate")
    return redirect(url_for("participants.detail", participant_id=person.id))


def _set_eligibility(person: Participant, *, validated: bool) -> None:
    try:
        changed = participants.set_eligibility(
            db.session(), web.user(), person, validated=validated
        )
    except EligibilityWithoutCriterion as error:
        flash(error.message, "danger")
        return
    if changed:
        db.session.commit()
    if validated:
        flash(_("Eligibility validated: the hours of this person count."), "success")
    else:
        flash(_("Eligibility set back to verify: the hours of this person are pending."), "info")


def _participant_form(person: Participant | None) -> str | Response:
    form = ParticipantForm(obj=person)
    form.set_options(
        labels.choices(Criterion), labels.choices(Sex), participants.facilitators(db.session())
    )
    duplicate_id = None
    if form.validate_on_submit():
        try:
            saved = participants.save_participant(
                db.session(), web.user(), form.participant_data(), person
            )
        except DuplicateParticipant as error:
            duplicate_id = error.existing_id
            form.last_name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=saved.full_name), "success")
            if saved.commune and saved.commune_insee is None:
                flash(import_messages.commune_unknown(saved.commune), "warning")
            return redirect(url_for("participants.detail", participant_id=saved.id))
    return render_template(
        "participants/form.html",
        form=form,
        person=person,
        duplicate_id=duplicate_id,
        communes=participants.communes(db.session()),
    )
