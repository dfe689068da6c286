"""Contracts pages: the list and a contract's page for every role, the form for the clause team."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from clauses import access
from clauses.extensions import db
from clauses.forms.contracts import ContractFilterForm, ContractForm
from clauses.models import Contract, Role
from clauses.services import contracts, reference_import
from clauses.views import reference_files

bp = Blueprint("contracts", __name__, url_prefix="/contracts")


@bp.route("/")
@access.roles_required(*Role)
def index() -> str:
    viewer = access.user()
    form = ContractFilterForm(request.args)
    form.set_options(contracts.filter_options(db.session(), viewer))
    listing = contracts.list_contracts(
        db.session(),
        viewer,
        form.filters(),
        size=current_app.config["PAGE_SIZE"],
        **form.listing_args(),
    )
    return render_template("contracts/index.html", form=form, listing=listing)


@bp.route("/<int:contract_id>")
@access.roles_required(*Role)
def detail(contract_id: int) -> str:
    viewer = access.user()
    contract = access.contract_for(viewer, contract_id)
    hours = contracts.contract_hours(db.session(), viewer, contract)
    team = access.can_edit_reference_data(viewer)
    events = contracts.history(db.session(), "contract", contract.id) if team else []
    return render_template("contracts/detail.html", contract=contract, hours=hours, events=events)


@bp.route("/new", methods=["GET", "POST"])
@access.roles_required(*access.CLAUSE_TEAM)
def new() -> str | Response:
    return _contract_form(None)


@bp.route("/import", methods=["GET", "POST"])
@access.roles_required(*access.CLAUSE_TEAM)
def import_file() -> str:
    return reference_files.import_page(
        reference_import.import_contracts,
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
@access.roles_required(*access.CLAUSE_TEAM)
def edit(contract_id: int) -> str | Response:
    return _contract_form(access.contract_for(access.user(), contract_id))


def _contract_form(contract: Contract | None) -> str | Response:
    form = ContractForm(obj=contract)
    options = contracts.form_options(db.session())
    form.set_options(options)
    if form.validate_on_submit():
        try:
            saved = contracts.save_contract(
                db.session(), access.user(), form.contract_data(), contract
            )
        except contracts.DuplicateReference as error:
            form.reference.errors.append(
                _("Another contract already has the reference %(ref)s.", ref=error.reference)
            )
        else:
            db.session.commit()
            flash(_("Contract %(ref)s saved.", ref=saved.reference), "success")
            return redirect(url_for("contracts.detail", contract_id=saved.id))
    return render_template("contracts/form.html", form=form, contract=contract, options=options)
