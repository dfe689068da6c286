"""Placements pages: the facilitators' list, proposing a person to a contract, and each move
(the clause team every move, the contractor its answers on its own contracts)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from clauses import clock, links
from clauses.access import policy, web
from clauses.errors import ClausesError
from clauses.extensions import db
from clauses.forms.fields import in_id_range
from clauses.forms.placements import (
    MOVE_FORMS,
    EndForm,
    HireForm,
    InterviewForm,
    PlacementFilterForm,
    ProposeForm,
    RefuseForm,
    WithdrawForm,
)
from clauses.messages import labels
from clauses.models import EmploymentType, Placement, PlacementState, User
from clauses.services import job_offers, placements, reads

bp = Blueprint("placements", __name__, url_prefix="/placements")


@bp.route("/")
@web.requires(policy.can_follow_placements)
def index() -> str:
    viewer, today = web.user(), clock.today()
    form = PlacementFilterForm(request.args)
    form.set_options(
        placements.filter_options(db.session(), viewer), labels.choices(PlacementState)
    )
    listing = placements.list_placements(
        db.session(),
        viewer,
        form.filters(),
        today,
        size=current_app.config["PAGE_SIZE"],
        **form.listing_args(),
    )
    counts = placements.state_counts(db.session(), viewer, today)
    return render_template(
        "placements/index.html", form=form, listing=listing, counts=counts, **move_options()
    )


def move_options() -> dict[str, object]:
    """What the move forms of a page need: the employment types, the states in order."""
    return {"employment_types": labels.choices(EmploymentType), "states": list(PlacementState)}


@bp.route("/new")
@web.requires(policy.can_propose)
def new() -> str:
    """Propose a person to a contract: the contracts still running, searched by words."""
    viewer = web.user()
    person = web.participant_or_404(in_id_range(request.args.get("participant", type=int)) or 0)
    reads.participant_viewed(db.session(), viewer, person)
    db.session.commit()
    page = in_id_range(request.args.get("page", 1, type=int)) or 1
    found = placements.contracts_to_propose(
        db.session(),
        viewer,
        request.args.get("q", "")[:100],
        clock.today(),
        page,
        current_app.config["PAGE_SIZE"],
    )
    busy = placements.busy_placement(db.session(), person.id, clock.today())
    return render_template("placements/new.html", person=person, found=found, busy=busy)


@bp.route("/propose", methods=["POST"])
@web.requires(policy.can_propose)
def propose() -> Response:
    viewer = web.user()
    form = ProposeForm()
    if not form.validate_on_submit():
        abort(400)
    contract = web.contract_or_404(in_id_range(form.contract_id.data) or 0)
    try:
        person = placements.person_to_propose(
            db.session(), viewer, in_id_range(form.participant_id.data)
        )
        offer_id = form.job_offer_id.data
        offer = (
            job_offers.open_offer(db.session(), viewer, offer_id, contract) if offer_id else None
        )
        placement = placements.propose(
            db.session(), viewer, person, contract, offer, form.note.data or ""
        )
    except ClausesError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _back_to_proposing(form, contract.id)
    db.session.commit()
    _notify(placement)
    return _back(placement, form.back.data)


def _back_to_proposing(form: ProposeForm, contract_id: int) -> Response:
    """A refused proposal: back to the page it was made from, which says why."""
    participant_id = in_id_range(form.participant_id.data)
    if form.back.data == "participant" and participant_id is not None:
        return redirect(url_for("placements.new", participant=participant_id))
    if form.back.data == "candidates":
        offer = form.job_offer_id.data or None
        return redirect(url_for("candidates.contract", contract_id=contract_id, offer=offer))
    return redirect(url_for("contracts.detail", contract_id=contract_id))


def _notify(placement: Placement) -> None:
    """The proposal is saved: now the e-mail, whose failure is recorded and said, not raised."""
    address = links.page_address()
    link = address("contracts.detail", contract_id=placement.contract_id) if address else None
    notice = placements.notify_proposal(db.session(), placement, current_app.config, link)
    db.session.commit()
    name = placement.participant.full_name
    reference = placement.contract.reference
    if notice.is_sent:
        flash(
            _(
                "%(name)s is proposed to %(reference)s; the contractor's accounts are told by "
                "e-mail.",
                name=name,
                reference=reference,
            ),
            "success",
        )
    elif not notice.recipients:
        flash(
            _(
                "%(name)s is proposed to %(reference)s. The contractor has no active account "
                "to tell by e-mail: call them.",
                name=name,
                reference=reference,
            ),
            "warning",
        )
    else:
        flash(
            _(
                "%(name)s is proposed to %(reference)s, but the e-mail to the contractor could "
                "not be sent (%(error)s): call them.",
                name=name,
                reference=reference,
                error=notice.error,
            ),
            "warning",
        )


@bp.route(
    "/<int:placement_id>/<any(interview, hired, ended, refused, withdrawn):state>",
    methods=["POST"],
)
@web.requires(policy.sees_placements)
def move(placement_id: int, state: str) -> Response:
    viewer = web.user()
    placement = web.placement_or_404(placement_id)
    wanted = PlacementState(state)
    if wanted not in policy.moves_of(viewer):
        abort(403)
    form = MOVE_FORMS[wanted]()
    if isinstance(form, HireForm):
        form.set_options(labels.choices(EmploymentType))
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            for error in errors:
                flash(_("%(label)s: %(value)s", label=form[name].label.text, value=error), "danger")
        return _back(placement, request.form.get("back"))
    try:
        _apply(viewer, placement, form)
    except ClausesError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Placement: %(state)s.", state=labels.label(wanted)), "success")
    return _back(placement, request.form.get("back"))


def _apply(viewer: User, placement: Placement, form: object) -> None:
    session = db.session()
    if isinstance(form, InterviewForm):
        placements.interview(session, viewer, placement, form.interview_on.data)
    elif isinstance(form, HireForm):
        data = (form.employment_type.data, form.hire_date.data, form.end_date.data)
        placements.hire(session, viewer, placement, *data)
    elif isinstance(form, EndForm):
        placements.end(session, viewer, placement, form.end_date.data)
    elif isinstance(form, RefuseForm):
        placements.refuse(session, viewer, placement, form.reason.data or "")
    elif isinstance(form, WithdrawForm):
        placements.withdraw(session, viewer, placement, form.note.data or "")


def _back(placement: Placement, back: str | None) -> Response:
    """Back to the page the form was on: the person's, the list, or the contract's."""
    viewer = web.user()
    if back == "participant" and policy.sees_personal_data(viewer):
        return redirect(url_for("participants.detail", participant_id=placement.participant_id))
    if back == "placements" and policy.can_follow_placements(viewer):
        return redirect(url_for("placements.index"))
    if back == "candidates" and policy.can_see_candidates(viewer):
        return redirect(
            url_for(
                "candidates.contract",
                contract_id=placement.contract_id,
                offer=placement.job_offer_id or None,
            )
        )
    return redirect(url_for("contracts.detail", contract_id=placement.contract_id) + "#placements")
