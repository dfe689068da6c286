"""Each role's home page."""

from flask import Blueprint, render_template

from clauses import access
from clauses.extensions import db
from clauses.models import Role
from clauses.services import overview

bp = Blueprint("dashboard", __name__)

TEMPLATES = {
    Role.ADMIN: "dashboard/clause_team.html",
    Role.FACILITATOR: "dashboard/clause_team.html",
    Role.BUYER: "dashboard/buyer.html",
    Role.CONTRACTOR: "dashboard/contractor.html",
}


@bp.route("/")
@access.roles_required(*Role)
def home() -> str:
    viewer = access.user()
    summary = overview.summary_for(db.session(), viewer)
    return render_template(TEMPLATES[viewer.role], summary=summary)
