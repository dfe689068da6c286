"""Importing the contracts file: its contracts, their buyers, contractors and operations, and
their schedules ("Échéancier").

The clause team keeps this list in a spreadsheet. Importing it creates what is new and updates
what is known (contracts by reference, organisations by SIRET then name), so a corrected file can
simply be sent again. A row with errors is rejected and the rest still imports; only a file that
cannot be read or lacks a required column raises. One audit event per file, none per row.
imports.contracts reads the rows; this module loads what is known and saves.
"""

from collections.abc import Hashable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from clauses.models import (
    Contract,
    Operation,
    Organisation,
    OrganisationKind,
    ScheduledHours,
    User,
)
from clauses.rules.names import normalise_name
from clauses.services import audit, communes
from imports.codes import Code
from imports.contracts import (
    CONTRACT_COLUMNS,
    SCHEDULE_COLUMNS,
    ContractDraft,
    OrganisationRef,
    ScheduleLine,
    read_contract,
    reference_key,
    schedules,
)
from imports.read import DEFAULT_LIMITS, Limits, read
from imports.records import ReferenceImportReport, RowReader, Tally, outcome, tables

# A contract may be held by an SIAE as well as by a company.
KINDS_ACCEPTED = {
    OrganisationKind.BUYER: {OrganisationKind.BUYER},
    OrganisationKind.CONTRACTOR: {OrganisationKind.CONTRACTOR, OrganisationKind.SIAE},
}


def import_contracts(
    session: Session,
    actor: User | None,
    content: bytes,
    filename: str,
    limits: Limits = DEFAULT_LIMITS,
) -> ReferenceImportReport:
    """Create or update the file's contracts, their organisations, operations and schedules."""
    tally = Tally()
    contract_rows, schedule_rows = tables(
        read(content, limits), filename, CONTRACT_COLUMNS, tally, SCHEDULE_COLUMNS
    )
    known = _load_contracts(session, [*contract_rows, *schedule_rows])
    saved, rejected = _save_contracts(session, contract_rows, known, tally)
    contracts = {**known, **saved}
    for key, lines in schedules(schedule_rows, contracts, rejected).items():
        _replace_schedule(contracts[key], lines)
        tally.schedules_replaced += 1
    for row in schedule_rows:
        tally.add(row)
    session.flush()
    report = tally.report()
    audit.record(
        session, actor, "import", "contracts_file", None, **report.audit_details(content, filename)
    )
    return report


def _load_contracts(session: Session, rows: list[RowReader]) -> dict[str, Contract]:
    keys = {reference_key(row) for row in rows}
    keys.discard("")
    if not keys:
        return {}
    stmt = (
        sa.select(Contract)
        .where(Contract.reference_key.in_(keys))
        .options(selectinload(Contract.schedule))
    )
    return {contract.reference_key: contract for contract in session.scalars(stmt)}


def _save_contracts(
    session: Session, rows: list[RowReader], known: dict[str, Contract], tally: Tally
) -> tuple[dict[str, Contract], dict[str, int]]:
    """The accepted contracts by reference key, and the rows of rejected references."""
    organisations = _Organisations(session)
    operations = _Operations(session)
    resolver = communes.resolver(session)
    first_rows: dict[Hashable, int] = {}
    saved: dict[str, Contract] = {}
    rejected: dict[str, int] = {}
    for row in rows:
        key = reference_key(row)
        draft = read_contract(row, first_rows)
        if draft is not None:
            organisations.check(row, draft.buyer, OrganisationKind.BUYER)
            organisations.check(row, draft.contractor, OrganisationKind.CONTRACTOR)
        insee = None
        if draft is not None and not row.errors:
            insee = communes.stored_commune(row, draft.commune, resolver)
        if not tally.add(row) or draft is None:
            rejected.setdefault(key, row.number)
            continue
        buyer = organisations.obtain(draft.buyer, OrganisationKind.BUYER)
        operation = operations.obtain(buyer, draft.operation, draft)
        contractor = organisations.obtain(draft.contractor, OrganisationKind.CONTRACTOR)
        contract = known.get(key)
        before = _contract_state(contract) if contract else None
        if contract is None:
            contract = Contract()
            session.add(contract)
        _fill_contract(contract, draft, operation, contractor)
        contract.commune_insee = insee
        tally.count(outcome(before, _contract_state(contract)))
        saved[key] = contract
    # A reference rejected only as a repeated row was saved from its first row.
    return saved, {key: row for key, row in rejected.items() if key not in saved}


def _contract_state(contract: Contract) -> tuple[object, ...]:
    return (
        contract.reference, contract.title, contract.operation, contract.contractor,
        contract.trade, contract.commune, contract.start_date, contract.end_date,
        contract.committed_hours, contract.amount, contract.insertion_rate,
    )  # fmt: skip


def _fill_contract(
    contract: Contract, draft: ContractDraft, operation: Operation, contractor: Organisation
) -> None:
    contract.set_reference(draft.reference)
    contract.title = draft.title
    contract.operation = operation
    contract.contractor = contractor
    contract.trade = draft.trade
    contract.commune = draft.commune
    contract.start_date = draft.start
    contract.end_date = draft.end
    contract.committed_hours = draft.committed_hours
    if "amount" in draft.present:
        contract.amount = draft.amount
    if "insertion_rate" in draft.present:
        contract.insertion_rate = draft.insertion_rate


class _Organisations:
    """Organisations by SIRET and by normalised name, those this import creates included."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_siret: dict[str, Organisation] = {}
        self._by_name: dict[str, Organisation] = {}
        for organisation in session.scalars(sa.select(Organisation)):
            self._remember(organisation)

    def _remember(self, organisation: Organisation) -> None:
        self._by_name[normalise_name(organisation.name)] = organisation
        if organisation.siret:
            self._by_siret[organisation.siret] = organisation

    def _find(self, ref: OrganisationRef) -> Organisation | None:
        found = self._by_siret.get(ref.siret) if ref.siret else None
        return found or self._by_name.get(normalise_name(ref.name))

    def check(self, row: RowReader, ref: OrganisationRef, kind: OrganisationKind) -> None:
        """Adds the row's errors if `ref` cannot be this kind of organisation; changes nothing."""
        found = self._find(ref)
        named = self._by_name.get(normalise_name(ref.name))
        if found is None:
            return
        conflict = Code.ORGANISATION_CONFLICT
        if named is not None and named is not found:
            row.error(
                conflict,
                reason="siret_of_other",
                siret=ref.siret,
                name=found.name,
                other=named.name,
            )
        elif found.kind not in KINDS_ACCEPTED[kind]:
            row.error(
                conflict, reason="kind", name=found.name, kind=found.kind.value, wanted=kind.value
            )
        elif ref.siret and found.siret and found.siret != ref.siret:
            row.error(
                conflict, reason="other_siret", name=found.name, siret=found.siret, given=ref.siret
            )

    def obtain(self, ref: OrganisationRef, kind: OrganisationKind) -> Organisation:
        """The organisation `check` accepted, created if new; a SIRET completes a name match."""
        found = self._find(ref)
        if found is None:
            found = Organisation(name=ref.name, siret=ref.siret, kind=kind)
            self._session.add(found)
        elif ref.siret and not found.siret:
            found.siret = ref.siret
        self._remember(found)
        return found


class _Operations:
    """Operations by buyer and normalised name, those this import creates included."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[tuple[Organisation, str], Operation] = {}
        stmt = sa.select(Operation).options(selectinload(Operation.buyer))
        for operation in session.scalars(stmt):
            self._known[(operation.buyer, normalise_name(operation.name))] = operation

    def obtain(self, buyer: Organisation, name: str, draft: ContractDraft) -> Operation:
        key = (buyer, normalise_name(name))
        operation = self._known.get(key)
        if operation is None:
            commune = draft.operation_commune or draft.commune
            operation = Operation(name=name, buyer=buyer, commune=commune)
            self._session.add(operation)
            self._known[key] = operation
        elif draft.operation_commune:
            operation.commune = draft.operation_commune
        return operation


def _replace_schedule(contract: Contract, lines: Sequence[ScheduleLine]) -> None:
    """Updated in place, month by month: deleting then inserting a month breaks its unique key."""
    wanted = {line.month: line.hours for line in lines}
    current = {scheduled.month: scheduled for scheduled in contract.schedule}
    for month, scheduled in current.items():
        if month not in wanted:
            contract.schedule.remove(scheduled)
    for month, hours in wanted.items():
        if month in current:
            current[month].hours = hours
        else:
            contract.schedule.append(ScheduledHours(month=month, hours=hours))
