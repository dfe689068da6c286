"""Who may see and do what (DESIGN.md, "Users and what each may see"), with no Flask.

admin and facilitator (the clause team) see everything; the admin also runs the administration.
A buyer sees the contracts of its organisation's operations and their aggregates, and no
participant at all. A contractor sees its own contracts, and the people with hours on them by
name only. Scopes are selects: what is out of scope is simply not there, so a page answers 404
and nothing reveals that it exists. Each permission has one name, asked wherever its decision
is made: by the views and templates (through web.py), the services, the imports and the CLI.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from clauses.models import (
    BatchLine,
    Contract,
    HourEntry,
    ImportBatch,
    JobOffer,
    Operation,
    OrganisationKind,
    Participant,
    Placement,
    PlacementState,
    Role,
    User,
)
from clauses.rules.placements import MOVES


@dataclass(frozen=True)
class Actor:
    """Someone judged without a saved account: the command line, or an account as a form would
    leave it."""

    role: Role
    organisation_id: int | None = None


Who = User | Actor

# Whoever runs `clauses` runs the server: the command line acts as the clause team's
# administrator (DESIGN.md: "The command line imports as the clause team").
COMMAND_LINE = Actor(Role.ADMIN)

_TEAM = frozenset({Role.ADMIN, Role.FACILITATOR})
_ADMINISTRATORS = frozenset({Role.ADMIN})
_UPLOADERS = _TEAM | {Role.CONTRACTOR}  # send hour sheets; see the people named on them
_EXPORTERS = _TEAM | {Role.BUYER}  # see the hours split by eligibility, counts but no names
# The organisation kinds an external account may belong to. The clause team may have an
# organisation of any kind, or none: it often works for a buyer (a Département).
_ORGANISATION_KINDS = {
    Role.BUYER: frozenset({OrganisationKind.BUYER}),
    Role.CONTRACTOR: frozenset({OrganisationKind.CONTRACTOR, OrganisationKind.SIAE}),
}


def _in_team(who: Who) -> bool:
    return who.role in _TEAM


# Scopes --------------------------------------------------------------------------------------


def contracts_of(who: Who) -> sa.Select[Contract]:
    if _in_team(who):
        return sa.select(Contract)
    if who.role is Role.BUYER:
        return (
            sa.select(Contract)
            .join(Contract.operation)
            .where(Operation.buyer_id == who.organisation_id)
        )
    return contracts_in(who.organisation_id)


def participants_of(who: Who) -> sa.Select[Participant]:
    """Buyers see no one; contractors only the people with hours on their own contracts."""
    if _in_team(who):
        return sa.select(Participant)
    if who.role is Role.CONTRACTOR:
        return participants_in(who.organisation_id)
    return sa.select(Participant).where(sa.false())


def batches_of(who: Who) -> sa.Select[ImportBatch]:
    """Import batches: the clause team sees all, a contractor those sent for it, a buyer none."""
    stmt = sa.select(ImportBatch)
    if _in_team(who):
        return stmt
    if who.role is Role.CONTRACTOR:
        return stmt.where(ImportBatch.contractor_id == who.organisation_id)
    return stmt.where(sa.false())


def placements_of(who: Who) -> sa.Select[Placement]:
    """Placements (mises en relation): the clause team sees all; a contractor those proposed to
    its own contracts, never another's; a buyer none (they name people)."""
    stmt = sa.select(Placement)
    if _in_team(who):
        return stmt
    if who.role is Role.CONTRACTOR:
        return stmt.where(Placement.contract_id.in_(_contract_ids_of(who.organisation_id)))
    return stmt.where(sa.false())


def job_offers_of(who: Who) -> sa.Select[JobOffer]:
    """Job offers: the clause team sees all, a contractor those of its own contracts, a buyer
    none (an offer is the contractor's word to the clause team)."""
    stmt = sa.select(JobOffer)
    if _in_team(who):
        return stmt
    if who.role is Role.CONTRACTOR:
        return stmt.where(JobOffer.contract_id.in_(_contract_ids_of(who.organisation_id)))
    return stmt.where(sa.false())


def _contract_ids_of(contractor_id: int | None) -> sa.Select[int]:
    return sa.select(Contract.id).where(Contract.contractor_id == contractor_id)


def upload_scope(who: Who) -> int | None:
    """The contractor an upload speaks for, whose contracts alone it may name (None: the clause
    team's upload, for any contractor). A plain id, so a pending upload keeps it."""
    return None if _in_team(who) else who.organisation_id


def contracts_in(scope: int | None) -> sa.Select[Contract]:
    """The contracts an upload of this scope may name (see upload_scope)."""
    stmt = sa.select(Contract)
    return stmt if scope is None else stmt.where(Contract.contractor_id == scope)


def participants_in(scope: int | None) -> sa.Select[Participant]:
    """The people of a scope's pages and template: with hours on one of its contracts (its
    uploads know a few more: see known_to)."""
    stmt = sa.select(Participant)
    return stmt if scope is None else stmt.where(Participant.id.in_(_with_hours_for(scope)))


def _with_hours_for(contractor_id: int) -> sa.Select[int]:
    """The people with hours on one of the contractor's contracts."""
    return (
        sa.select(HourEntry.participant_id)
        .join(HourEntry.contract)
        .where(Contract.contractor_id == contractor_id)
    )


def known_to(scope: int | None) -> sa.ColumnElement[bool]:
    """Whether a participant is known to an upload of this scope (DESIGN.md, "What a contractor
    is shown"): to the clause team, everyone; to a contractor, the people with hours on one of
    its contracts or named on a line of one of its uploads. The lines hold everyone its uploads
    created, even once rolled back, and the people it named with their exact name and birth
    date, which it knew then. A contractor's upload seeks a near spelling or a name alone among
    them only, so it never learns that someone else is in the programme."""
    if scope is None:
        return sa.true()
    own_lines = (
        sa.select(BatchLine.participant_id)
        .join(BatchLine.batch)
        .where(ImportBatch.contractor_id == scope)
    )
    return sa.or_(Participant.id.in_(_with_hours_for(scope)), Participant.id.in_(own_lines))


def scope_key(who: Who) -> Hashable:
    """Equal for two people who see the same contracts: a key for figures computed per scope."""
    if _in_team(who):
        return "all"
    return (who.role.value, who.organisation_id)


def follow_up_accounts() -> sa.Select[User]:
    """The active accounts that may follow a participant up (see can_follow_up)."""
    return sa.select(User).where(User.role.in_(_TEAM), User.is_active.is_(True))


def report_senders() -> sa.Select[User]:
    """The active accounts that send their organisation's hour sheets, and so get its
    reminders."""
    return sa.select(User).where(User.role == Role.CONTRACTOR, User.is_active.is_(True))


def accounts_barring(organisation_id: int, kind: OrganisationKind) -> sa.Select[User]:
    """The organisation's accounts that could not belong to it were it of this kind."""
    barred = [role for role, kinds in _ORGANISATION_KINDS.items() if kind not in kinds]
    return sa.select(User).where(User.organisation_id == organisation_id, User.role.in_(barred))


# Permissions ---------------------------------------------------------------------------------


class Home(StrEnum):
    """The home page each one gets (its template is dashboard/<value>.html)."""

    CLAUSE_TEAM = "clause_team"
    BUYER = "buyer"
    CONTRACTOR = "contractor"


def home(who: Who) -> Home:
    if _in_team(who):
        return Home.CLAUSE_TEAM
    return Home.BUYER if who.role is Role.BUYER else Home.CONTRACTOR


def can_upload(who: Who) -> bool:
    """Send hour sheets and see the batches sent (the "Hour sheets" pages)."""
    return who.role in _UPLOADERS


def sees_true_outcome(who: Who) -> bool:
    """An import as it truly went: the clause team knows every participant. A contractor is
    shown as new anyone its upload names whom it did not know (see known_to), even when the
    programme knew them."""
    return _in_team(who)


def can_see_participants(who: Who) -> bool:
    """The participants pages: the clause team's register, a contractor's people by name."""
    return who.role in _UPLOADERS


def sees_personal_data(who: Who) -> bool:
    """Eligibility criteria (and RQTH, health data) are for the clause team only."""
    return _in_team(who)


def sees_eligibility_split(who: Who) -> bool:
    """Hours split into validated and pending. Next to names, the split would tell a contractor
    whose eligibility is validated: it is for the clause team, and buyers who see no names."""
    return who.role in _EXPORTERS


def lists_buyers(who: Who) -> bool:
    """Whether contract lists show the buyer: a buyer's list holds its own only."""
    return who.role is not Role.BUYER


def lists_contractors(who: Who) -> bool:
    """Whether contract lists show the contractor: a contractor's list holds its own only."""
    return who.role is not Role.CONTRACTOR


def may_pick_date(who: Who) -> bool:
    """Look at another day than today, or report as of another day: the clause team. A
    contractor reports as of today."""
    return _in_team(who)


def can_edit_reference_data(who: Who) -> bool:
    """Contracts and participants are kept by the clause team, who also read their history."""
    return _in_team(who)


def can_declare_no_hours(who: Who) -> bool:
    """ "Nothing to report" for a month is the contractor's word, or the clause team's on its
    behalf (on a contract of their scope)."""
    return who.role in _UPLOADERS


def can_roll_back(who: Who, batch: ImportBatch) -> bool:
    """The clause team rolls back any batch; a contractor never, not even one it sent: its
    correction is a new file. Whether the batch is still committed is the service's check."""
    return _in_team(who)


def can_follow_up(who: Who) -> bool:
    """Be a participant's follow-up facilitator: a member of the clause team."""
    return _in_team(who)


def can_export(who: Who) -> bool:
    """Download the contracts list: the clause team, and buyers (their own contracts)."""
    return who.role in _EXPORTERS


def can_send_reminders(who: Who) -> bool:
    return _in_team(who)


def sees_contact_details(who: Who) -> bool:
    """A participant's phone and e-mail: the clause team reaches people; a contractor gets the
    facilitator's contact instead, never the person's."""
    return _in_team(who)


def can_follow_placements(who: Who) -> bool:
    """The placements page and the open job offers: the clause team's follow-up."""
    return _in_team(who)


def can_propose(who: Who) -> bool:
    """Propose a person to a contract (or one of its job offers): a facilitator's act."""
    return _in_team(who)


def can_see_candidates(who: Who) -> bool:
    """The ranked candidates of a site and where to send people: the clause team (a ranking
    reads everyone's situation, eligibility included)."""
    return _in_team(who)


def sees_placements(who: Who) -> bool:
    """The proposals on a contract's page: the clause team, and the contractor for its own
    contracts (name and wanted trades only); never a buyer."""
    return who.role in _UPLOADERS


def can_declare_job_offers(who: Who) -> bool:
    """Declare or close a job offer on a contract: its contractor, or the clause team on its
    behalf (on a contract of their scope)."""
    return who.role in _UPLOADERS


# What a contractor may answer to a proposal on its own contract.
_CONTRACTOR_ANSWERS = frozenset(
    {PlacementState.INTERVIEW, PlacementState.HIRED, PlacementState.REFUSED}
)
_EVERY_MOVE = frozenset(PlacementState) - {PlacementState.PROPOSED}


def moves_of(who: Who) -> frozenset[PlacementState]:
    """The states this person may ever move a placement to: the clause team every one; a
    contractor its answers (an interview, a hire, a refusal); a buyer none."""
    if _in_team(who):
        return _EVERY_MOVE
    return _CONTRACTOR_ANSWERS if who.role is Role.CONTRACTOR else frozenset()


def placement_moves(who: Who, placement: Placement) -> frozenset[PlacementState]:
    """The states this placement may move to now at this person's hand: those the rules allow
    from its state, among the person's own (a contractor: on its own contracts only)."""
    own = _in_team(who) or placement.contract.contractor_id == who.organisation_id
    return MOVES[placement.state] & moves_of(who) if own else frozenset()


def can_move_placement(who: Who, placement: Placement, state: PlacementState) -> bool:
    return state in placement_moves(who, placement)


def can_administer(who: Who) -> bool:
    """User accounts, organisations, the audit log and the thresholds."""
    return who.role in _ADMINISTRATORS


def organisation_kinds(role: Role) -> frozenset[OrganisationKind] | None:
    """The kinds of organisation an account of this role must belong to; None: any, or none."""
    return _ORGANISATION_KINDS.get(role)
