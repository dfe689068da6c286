"""The audit log in words: every action the services record, made by the services themselves,
shown in French and in English, never as its code, with its details as sentences."""

import ast
import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from clauses.errors import SignInDelayed
from clauses.messages.audit import ACTIONS, details_lines
from clauses.models import (
    AuditLog,
    Criterion,
    EmploymentType,
    ImportBatch,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from clauses.rules.compliance import Thresholds
from clauses.rules.sign_in import FAILURES_BEFORE_DELAY
from clauses.services import (
    accounts,
    backups,
    compliance,
    contract_export,
    contracts,
    contracts_import,
    demo,
    job_offers,
    organisations,
    participants,
    placements,
    reads,
    reminders,
    sessions,
)
from clauses.services.contract_filters import ContractFilters
from clauses.services.timesheets import import_timesheet, roll_back_batch
from tests.conftest import FIXTURES, csrf_token, login
from tests.test_import_pipeline import HEADER, xlsx

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 9, 7)  # August 2026 is the reporting month


def recorded_actions():
    """The action codes of every audit.record(...) call of the app and the imports."""
    found = set()
    for path in [*ROOT.joinpath("clauses").rglob("*.py"), *ROOT.joinpath("imports").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                action = node.args[2]
                found |= {c.value for c in ast.walk(action) if isinstance(c, ast.Constant)}
    return found


def test_every_recorded_action_has_its_words():
    assert recorded_actions() == set(ACTIONS)


@pytest.fixture
def history(app, db_session, monkeypatch):
    """One event or more of each action, made through the services on the demo world."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 500)
    demo.load_demo(db_session, AS_OF)
    admin = db_session.scalar(sa.select(User).where(User.role == Role.ADMIN))
    buyer = db_session.scalar(sa.select(Organisation).where(Organisation.name == demo.DEPARTEMENT))
    sessions.authenticate(db_session, admin.email, "wrong password", address="127.0.0.1")
    sessions.authenticate(db_session, admin.email, demo.DEMO_PASSWORD, address="127.0.0.1")
    sessions.logout(db_session, admin)
    sessions.logout_everywhere(db_session, admin)
    _delayed_sign_in(db_session, admin)
    _accounts(db_session, admin)
    siae = organisations.create_organisation(
        db_session,
        admin,
        organisations.OrganisationData("SIAE Audit", None, OrganisationKind.SIAE, None),
    )
    organisations.update_organisation(
        db_session,
        admin,
        siae,
        organisations.OrganisationData("SIAE Audit", None, OrganisationKind.CONTRACTOR, None),
    )
    compliance.set_thresholds(db_session, admin, Thresholds(Decimal("0.85"), Decimal("0.5")))
    contract = _contract(db_session, admin, siae, buyer)
    compliance.declare_no_hours(db_session, admin, contract, date(2026, 8, 1), AS_OF)
    _participant(db_session, admin)
    _placements(db_session, admin, contract, app.config)
    participants.purge_eligibility(db_session, admin, date(2031, 1, 1))
    _imports(db_session, admin)
    filters = ContractFilters(buyer_id=buyer.id, selection="behind")
    contract_export.export_rows(db_session, admin, filters, AS_OF, "xlsx")
    reminders.send_reminders(db_session, admin, AS_OF, app.config)  # no server: failed
    dump = Path("/var/sauvegardes/clauses-2026-09-07.dump")
    backups.record_backup(db_session, admin, dump)
    backups.record_restore(db_session, None, dump, backups.Restored("d1f45f5fdbb8", True))
    db_session.commit()
    recorded = set(db_session.scalars(sa.select(AuditLog.action).distinct()))
    assert recorded == set(ACTIONS)
    return admin


def _delayed_sign_in(db_session, admin):
    for _ in range(FAILURES_BEFORE_DELAY):
        sessions.authenticate(db_session, admin.email, "wrong", address="127.0.0.2")
    with pytest.raises(SignInDelayed):
        sessions.authenticate(db_session, admin.email, demo.DEMO_PASSWORD, address="127.0.0.2")


def _accounts(db_session, admin):
    new = accounts.NewAccount("nadia@example.fr", "Nadia", Role.FACILITATOR, None, None)
    user, _password = accounts.create_account(db_session, admin, new)
    changes = accounts.AccountChanges("Nadia Benali", Role.ADMIN, None, True)
    accounts.update_account(db_session, admin, user, changes)
    accounts.set_active(db_session, admin, user, False)
    accounts.set_active(db_session, admin, user, True)
    accounts.reset_password(db_session, admin, user, None)


def _contract(db_session, admin, holder, buyer):
    data = contracts.ContractData(
        reference="AUDIT-1",
        title="Peinture des couloirs",
        contractor_id=holder.id,
        trade="Peinture",
        commune="Bobigny",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        committed_hours=Decimal(500),
        new_operation_name="Opération audit",
        new_operation_buyer_id=buyer.id,
    )
    contract = contracts.save_contract(db_session, admin, data)
    changed = contracts.ContractData(**{**data.__dict__, "committed_hours": Decimal(650)})
    return contracts.save_contract(db_session, admin, changed, contract)


def _participant(db_session, admin):
    data = participants.ParticipantData("Martin", "Léa", date(1990, 5, 4))
    person = participants.save_participant(db_session, admin, data)
    criteria = frozenset({Criterion.RSA})
    participants.save_participant(
        db_session,
        admin,
        participants.ParticipantData("Martin", "Léa", date(1990, 5, 4), criteria=criteria),
        person,
    )
    participants.set_eligibility(db_session, admin, person, validated=True)
    participants.set_eligibility(db_session, admin, person, validated=False)
    reads.participant_viewed(db_session, admin, person)


def _placements(db_session, admin, contract, config):
    """A person proposed, interviewed, hired and whose job ended; proposed again and refused;
    again and withdrawn; on a job offer declared, then closed."""
    data = participants.ParticipantData(
        "Durand", "Inès", date(1988, 2, 3), criteria=frozenset({Criterion.RSA}), is_available=True
    )
    person = participants.save_participant(db_session, admin, data)
    person.eligibility_validated_on = date(2026, 1, 5)
    reads.candidates_listed(db_session, admin, contract, [person.id])
    offer_data = job_offers.JobOfferData("Peinture", date(2026, 9, 1), 6, 2, "M. Leroy")
    offer = job_offers.declare(db_session, admin, contract, offer_data)
    first = placements.propose(db_session, admin, person, contract, offer, today=AS_OF)
    placements.notify_proposal(db_session, first, config)
    placements.interview(db_session, admin, first, date(2026, 9, 10), today=AS_OF)
    placements.hire(db_session, admin, first, EmploymentType.CDD, date(2026, 9, 14), today=AS_OF)
    placements.end(db_session, admin, first, date(2026, 9, 30), today=AS_OF)
    second = placements.propose(db_session, admin, person, contract, today=AS_OF)
    placements.refuse(db_session, admin, second, "Poste pourvu", today=AS_OF)
    third = placements.propose(db_session, admin, person, contract, today=AS_OF)
    placements.withdraw(db_session, admin, third, today=AS_OF)
    job_offers.close(db_session, admin, offer)


def _imports(db_session, admin):
    sheet = xlsx(
        [HEADER, ["AUDIT-1", "Martin", "Léa", date(1990, 5, 4), date(2026, 8, 1), 35, "CDI"]]
    )
    report = import_timesheet(
        db_session, sheet, "releve.xlsx", as_of=AS_OF, uploader=admin, commit=True
    )
    batch = db_session.get(ImportBatch, report.batch_id)
    reads.batch_file_downloaded(db_session, admin, batch)
    roll_back_batch(db_session, batch, admin)
    content = (FIXTURES / "contracts.xlsx").read_bytes()
    contracts_import.import_contracts(db_session, admin, content, "contracts.xlsx")


def audit_rows(client):
    page = client.get("/admin/audit").get_data(as_text=True)
    table = page.split('data-testid="audit"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>|\s+", " ", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fr",
            [
                "démo chargée",
                "« rien à déclarer » enregistré",
                "import annulé",
                "mois : août 2026",
                "relances pour août 2026",
                "seuils de conformité",
                "lignes d'heures supprimées : 1",
                "filtres : acheteur : Département de la Seine-Saint-Denis, "
                "marchés listés : en retard",
                "dans les temps à partir de : 90 % → 85 %",
                "rôle : facilitateur·rice → administrateur·rice",
                "heures prévues : 500 → 650",
                "acheteur : Département de la Seine-Saint-Denis",
                "mot de passe généré : oui",
                "champs modifiés : critères",
            ],
        ),
        (
            "en",
            [
                "demo world loaded",
                "nothing to report declared",
                "import rolled back",
                "month: August 2026",
                "reminders for August 2026",
                "compliance thresholds",
                "entries removed: 1",
                "filters: buyer: Département de la Seine-Saint-Denis, contracts listed: behind",
                "on track from: 90% → 85%",
                "role: facilitator → administrator",
                "committed hours: 500 → 650",
                "buyer: Département de la Seine-Saint-Denis",
                "password generated: yes",
                "fields changed: criteria",
            ],
        ),
    ],
)
def test_the_audit_page_speaks_words(app, history, lang, words):
    client = app.test_client()
    login(client, history, demo.DEMO_PASSWORD)
    client.post("/language", data={"lang": lang, "csrf_token": csrf_token(client, "/")})

    rows = audit_rows(client)

    text = "\n".join(" | ".join(row) for row in rows)
    for expected in words:
        assert expected in text
    # A long list (the people of a purge) is cut after ten.
    assert re.search(r"(\d+, ){9}\d+ (et|and) \d+ (autres|more)", text)
    labels = _labels(app, lang)
    # A code may be its own word ("import", "export"); any other is never shown.
    codes = {code for code, label in labels.items() if code != label}
    codes |= {"keys_restored", "keys_removed", "password_generated", "buyer_id", "as_of"}
    assert [code for code in sorted(codes) if re.search(rf"\b{code}\b", text)] == []
    assert "{" not in text
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", text) == []  # no code, nor detail key
    assert {row[2] for row in rows} == set(labels.values())


def _labels(app, lang):
    """Each action's words in the language."""
    with app.test_request_context(), force_locale(lang):
        return {code: str(label) for code, label in ACTIONS.items()}


def test_record_numbers_are_not_quantities(app):
    details = {"count": 1500, "participant_ids": list(range(1000, 1015))}
    with app.test_request_context(), force_locale("en"):
        lines = details_lines(details, {})
    assert lines == [
        "people: 1,500",
        "participant numbers: 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009"
        " and 5 more",
    ]
