"""Contracts pages: the list and a contract's page for every role, the form for the clause team."""

from datetime import date

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
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from clauses import clock
from clauses.access import policy, web
from clauses.errors import DuplicateReference, InvalidValue
from clauses.extensions import db
from clauses.forms.contracts import ContractFilterForm, ContractForm, NoHoursForm
from clauses.messages import imports as import_messages
from clauses.messages import month_name
from clauses.messages.labels import status_choices
from clauses.models import Contract, User
from clauses.services import (
    audit,
    compliance,
    contract_filters,
    contract_page,
    contracts,
    contracts_import,
    job_offers,
    placements,
)
from clauses.views import charts, reference_files
from clauses.views.placements import move_options

bp = Blueprint("contracts", __name__, url_prefix="/contracts")


@bp.route("/")
@web.signed_in
def index() -> str:
    viewer = web.user()
    form = ContractFilterForm(request.args)
    form.set_options(contract_filters.filter_options(db.session(), viewer), status_choices())
    found = contracts.list_contracts(
        db.session(),
        viewer,
        form.contract_filters(),
        clock.today(),
        size=current_app.config["PAGE_SIZE"],
        **form.listing_args(),
    )
    return render_template("contracts/index.html", form=form, found=found)


@bp.route("/<int:contract_id>")
@web.signed_in
def detail(contract_id: int) -> str:
    viewer = web.user()
    contract = web.contract_or_404(contract_id)
    page = contract_page.load(db.session(), viewer, contract, _as_of(viewer))
    team = policy.can_edit_reference_data(viewer)
    events = audit.history(db.session(), "contract", contract.id) if team else []
    return render_template(
        "contracts/detail.html",
        contract=contract,
        page=page,
        hours=page.hours,
        chart=_chart(contract, page),
        events=events,
        **_placements(viewer, contract, page.as_of),
    )


def _placements(viewer: User, contract: Contract, as_of: date) -> dict[str, object]:
    """The contract's job offers and proposals, for those who may see them (never a buyer)."""
    if not policy.sees_placements(viewer):
        return {"offers": [], "proposals": []}
    return {
        "offers": job_offers.offers_on(db.session(), viewer, contract),
        "proposals": placements.on_contract(db.session(), viewer, contract, as_of),
        **move_options(),
    }


@bp.route("/<int:contract_id>/no-hours", methods=["POST"])
@web.requires(policy.can_declare_no_hours)
def no_hours(contract_id: int) -> Response:
    viewer = web.user()
    contract = web.contract_or_404(contract_id)
    form = NoHoursForm()
    if not form.validate_on_submit():
        abort(400)
    month = form.month.data
    try:
        compliance.declare_no_hours(db.session(), viewer, contract, month, clock.today())
    except InvalidValue as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Nothing to report for %(month)s: recorded.", month=month_name(month)), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


def _as_of(viewer: User) -> date:
    """Today; the clause team may look at another day with ?as_of=YYYY-MM-DD."""
    asked = request.args.get("as_of", "") if policy.may_pick_date(viewer) else ""
    try:
        return date.fromisoformat(asked) if asked else clock.today()
    except ValueError:
        return clock.today()


def _chart(contract: Contract, page: contract_page.ContractPage) -> Markup:
    curve = page.curve
    realised = [(p.month, p.realised) for p in curve if p.realised is not None]
    return charts.line_chart(
        chart_id="compliance-chart",
        title=_("Insertion hours of %(ref)s, cumulated month by month", ref=contract.reference),
        description=_(
            "Realised hours (solid line) against the expected hours (dashed line) and the "
            "commitment (dotted line); the table below gives the values."
        ),
        months=[p.month for p in curve],
        series=[
            charts.Series(_("Realised hours"), realised, charts.Line.SOLID, has_markers=True),
            charts.Series(
                _("Expected hours"), [(p.month, p.expected) for p in curve], charts.Line.DASHED
            ),
            charts.Series(
                _("Commitment"),
                [(p.month, contract.committed_hours) for p in curve],
                charts.Line.DOTTED,
            ),
        ],
        month_label=lambda month: str(format_date(month, "MMM yy")),
        value_label=lambda value: f"{format_decimal(value, format='#,##0')} h",
    )


@bp.route("/new", methods=["GET", "POST"])
@web.requires(policy.can_edit_reference_data)
def new() -> str | Response:
    return _contract_form(None)


@bp.route("/import", methods=["GET", "POST"])
@web.requires(policy.can_edit_reference_data)
def import_file() -> str:
    return reference_files.import_page(
        contracts_import.import_contracts,
        _("Import contracts"),
        _(
            "Référence, Intitulé, Opération, Acheteur, Titulaire, SIRET titulaire, Corps d'état, "
            "Commune, Date de début, Date de fin, Heures d'insertion; optional: SIRET acheteur, "
            'Montant, Taux d\'insertion; an optional sheet "Échéancier" (Référence, Mois, '
            "Heures prévues)."
        ),
        "contracts.index",
    )


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@web.requires(policy.can_edit_reference_data)
def edit(contract_id: int) -> str | Response:
    return _contract_form(web.contract_or_404(contract_id))


def _contract_form(contract: Contract | None) -> str | Response:
    form = ContractForm(obj=contract)
    options = contracts.form_options(db.session())
    form.set_options(options)
    if form.validate_on_submit():
        try:
            saved = contracts.save_contract(
                db.session(), web.user(), form.contract_data(), contract
            )
        except DuplicateReference as error:
            form.reference.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Contract %(ref)s saved.", ref=saved.reference), "success")
            if saved.commune and saved.commune_insee is None:
                flash(import_messages.commune_unknown(saved.commune), "warning")
            return redirect(url_for("contracts.detail", contract_id=saved.id))
    return render_template("contracts/form.html", form=form, contract=contract, options=options)
