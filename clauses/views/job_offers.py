"""Job offers: a contractor (or the clause team on its behalf) declares an insertion job on a
contract and closes it; the clause team lists the open ones."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from clauses import clock
from clauses.access import policy, web
from clauses.errors import JobOfferNotOpen
from clauses.extensions import db
from clauses.forms.fields import in_id_range
from clauses.forms.job_offers import CloseOfferForm, JobOfferForm
from clauses.services import job_offers

bp = Blueprint("job_offers", __name__)


@bp.route("/job-offers/")
@web.requires(policy.can_follow_placements)
def index() -> str:
    page = in_id_range(request.args.get("page", 1, type=int)) or 1
    found = job_offers.open_offers(db.session(), web.user(), page, current_app.config["PAGE_SIZE"])
    return render_template("job_offers/index.html", found=found, today=clock.today())


@bp.route("/contracts/<int:contract_id>/job-offers/new", methods=["GET", "POST"])
@web.requires(policy.can_declare_job_offers)
def new(contract_id: int) -> str | Response:
    contract = web.contract_or_404(contract_id)
    form = JobOfferForm()
    if request.method == "GET":
        form.trade.data = contract.trade
    if form.validate_on_submit():
        job_offers.declare(db.session(), web.user(), contract, form.offer_data())
        db.session.commit()
        flash(_("Job offer declared: the clause team sees it."), "success")
        return redirect(url_for("contracts.detail", contract_id=contract.id) + "#job-offers")
    return render_template("job_offers/form.html", form=form, contract=contract)


@bp.route("/job-offers/<int:offer_id>/close", methods=["POST"])
@web.requires(policy.can_declare_job_offers)
def close(offer_id: int) -> Response:
    offer = web.job_offer_or_404(offer_id)
    if not CloseOfferForm().validate_on_submit():
        abort(400)
    try:
        job_offers.close(db.session(), web.user(), offer)
    except JobOfferNotOpen as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Job offer closed."), "success")
    return redirect(url_for("contracts.detail", contract_id=offer.contract_id) + "#job-offers")
