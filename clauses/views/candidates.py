"""Directing people to sites (clause team): a contract's ranked candidates, each with its reason
and a "Proposer" button, and where to send people, the facilitators' daily start."""

from flask import Blueprint, current_app, render_template, request

from clauses import clock
from clauses.access import policy, web
from clauses.extensions import db
from clauses.forms.candidates import CandidateFilterForm
from clauses.forms.fields import in_id_range
from clauses.messages import candidates as reasons
from clauses.models import JobOffer
from clauses.services import candidates, communes, job_offers, reads, sites_to_fill
from clauses.services.listing import Page

bp = Blueprint("candidates", __name__)


@bp.route("/contracts/<int:contract_id>/candidates")
@web.requires(policy.can_see_candidates)
def contract(contract_id: int) -> str:
    viewer, today = web.user(), clock.today()
    site = web.contract_or_404(contract_id)
    form = CandidateFilterForm(request.args)
    form.set_options()
    offer = _offer(site.id)
    size, number = current_app.config["PAGE_SIZE"], max(1, form.page.data or 1)
    # The first pages' people only: the database picks who may rank among them.
    found = candidates.candidates(
        db.session(),
        site,
        today,
        trade=offer.trade if offer else None,
        limit=number * size,
        trade_only=bool(form.trade_only.data),
        within_km=form.within_km,
    )
    shown = found.candidates[(number - 1) * size :]
    page = Page(shown, number, size, found.total)
    reads.candidates_listed(db.session(), viewer, site, [c.participant_id for c in page.items])
    db.session.commit()
    return render_template(
        "candidates/contract.html",
        contract=site,
        offer=offer,
        offers=job_offers.open_rows(db.session(), viewer, [site.id]),
        found=found,
        page=page,
        form=form,
        reasons=reasons.reasons_text,
        attribution=communes.ATTRIBUTION,
    )


def _offer(contract_id: int) -> JobOffer | None:
    """The job offer the list is for (?offer=), when it is one of the contract's."""
    offer_id = in_id_range(request.args.get("offer", type=int))
    if offer_id is None:
        return None
    offer = web.job_offer_or_404(offer_id)
    return offer if offer.contract_id == contract_id else None


@bp.route("/where-to-send")
@web.requires(policy.can_see_candidates)
def sites() -> str:
    today = clock.today()
    groups = sites_to_fill.sites_to_fill(db.session(), web.user(), today)
    return render_template("candidates/sites.html", groups=groups, today=today)
