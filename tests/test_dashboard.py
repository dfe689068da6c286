"""Each role's home page: the numbers of a small known portfolio, the filters, the urgency order,
the exports and their audit, what buyers never see, and a constant number of queries."""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.access import policy
from clauses.models import AuditLog, Contract, ImportBatch, Participant, Role, Sex, User
from clauses.rules.compliance import Status
from clauses.rules.urgency import ALL, STATUS_ORDER
from clauses.services import compliance, dashboard, demo, exports
from clauses.services.contract_filters import ContractFilters
from clauses.services.timesheets import import_timesheet, roll_back_batch
from tests.conftest import login, page_text
from tests.factories import (
    ContractFactory,
    HourEntryFactory,
    OperationFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.test_import_pipeline import HEADER, xlsx

AS_OF = date(2024, 4, 8)  # reporting month: March 2024
VALIDATED = date(2024, 1, 15)
NAMES = ("Zabulon", "Yselda", "Xanthippe", "Wenceslas", "Vespasien")


@dataclass
class Portfolio:
    """Eight contracts of two buyers and two contractors, one of each status and then some."""

    facilitator: User
    buyer: User
    contractor: User
    contracts: dict[str, Contract]
    people: list[Participant]
    buyer_ids: tuple[int, int]


def person(last_name: str, sex: Sex, born: date, *, qpv: bool = False, validated: bool = True):
    return ParticipantFactory(
        last_name=last_name,
        sex=sex,
        birth_date=born,
        is_qpv=qpv,
        eligibility_validated_on=VALIDATED if validated else None,
    )


def make_portfolio() -> Portfolio:
    north, south = OrganisationFactory(buyer=True), OrganisationFactory(buyer=True)
    first, second = OrganisationFactory(), OrganisationFactory()
    op_north = OperationFactory(buyer=north, name="Collège Nord")
    op_south = OperationFactory(buyer=south, name="Groupe scolaire Sud")
    year = {"start_date": date(2024, 1, 1), "end_date": date(2024, 12, 31)}
    specs = {
        # reference: (operation, contractor, trade, commune, dates and commitment)
        "A-ON-TRACK": (op_north, first, "Gros œuvre", "Bobigny", {}),
        "B-BEHIND": (op_north, first, "Gros œuvre", "Bobigny", {}),
        "C-AT-RISK": (op_north, second, "Électricité", "Bobigny", {}),
        "D-SILENT": (op_south, first, "Électricité", "Bobigny", {}),
        "E-ENDED": (
            op_south,
            first,
            "Plomberie",
            "Montreuil",
            {"start_date": date(2023, 1, 1), "end_date": date(2023, 12, 31)},
        ),
        "F-LATER": (op_south, second, "Plomberie", "Montreuil", {"start_date": date(2024, 6, 1)}),
        "G-DONE": (op_south, second, "Plomberie", "Montreuil", {"committed_hours": Decimal(100)}),
        "H-BEHIND": (op_south, second, "Plomberie", "Montreuil", {}),
    }
    made = {
        ref: ContractFactory(
            reference=ref,
            operation=operation,
            contractor=holder,
            trade=trade,
            commune=commune,
            **{**year, "committed_hours": Decimal(1000 if ref == "E-ENDED" else 1200), **more},
        )
        for ref, (operation, holder, trade, commune, more) in specs.items()
    }
    young = person(NAMES[0], Sex.FEMALE, date(2000, 5, 1), qpv=True)
    man = person(NAMES[1], Sex.MALE, date(1980, 1, 1))
    just_26 = person(NAMES[2], Sex.FEMALE, date(1998, 4, 8))  # 26 on the as-of date itself
    waiting = person(NAMES[3], Sex.MALE, date(1990, 1, 1), validated=False)
    last_year = person(NAMES[4], Sex.FEMALE, date(2001, 1, 1))
    for ref, who, month, hours in [
        ("A-ON-TRACK", young, 1, 100),
        ("A-ON-TRACK", young, 2, 100),
        ("A-ON-TRACK", young, 3, 100),
        ("B-BEHIND", man, 3, 50),
        ("B-BEHIND", waiting, 3, 20),
        ("C-AT-RISK", just_26, 3, 150),
        ("C-AT-RISK", man, 3, 50),
        ("D-SILENT", just_26, 2, 150),
        ("D-SILENT", young, 2, 150),
        ("G-DONE", man, 3, 150),
        ("H-BEHIND", man, 3, 90),
    ]:
        HourEntryFactory(
            contract=made[ref], participant=who, month=date(2024, month, 1), hours=Decimal(hours)
        )
    HourEntryFactory(
        contract=made["E-ENDED"], participant=last_year, month=date(2023, 6, 1), hours=100
    )
    return Portfolio(
        facilitator=UserFactory(role=Role.FACILITATOR),
        buyer=UserFactory(role=Role.BUYER, organisation=north),
        contractor=UserFactory(role=Role.CONTRACTOR, organisation=first),
        contracts=made,
        people=[young, man, just_26, waiting, last_year],
        buyer_ids=(north.id, south.id),
    )


@pytest.fixture
def portfolio(db_session: Any) -> Portfolio:
    return make_portfolio()


def text_of(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert found, f"no {name} on the page"
    return found.group(1).strip()


def listed_references(html: str) -> list[str]:
    table = html.split('data-testid="contracts"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/contracts/\d+">([^<]+)</a>', table)


def team_page(client: Any, **args: Any) -> str:
    query = {"as_of": AS_OF.isoformat(), **args}
    response = client.get("/", query_string=query)
    assert response.status_code == 200
    return page_text(response)


# The clause team's page ---------------------------------------------------------------------


def test_team_dashboard_counts_hours_and_programme(client, portfolio):
    login(client, portfolio.facilitator)
    html = team_page(client)

    assert "Équipe clauses" in html
    counts = {s: text_of(html, f"count-{s}") for s in [*Status, "missing_report"]}
    assert counts == {
        "not_started": "1",
        "on_track": "2",
        "at_risk": "1",
        "behind": "2",
        "fulfilled": "1",
        "ended_short": "1",
        "missing_report": "1",
    }
    assert text_of(html, "total-committed_hours") == "8\u202f300"
    assert text_of(html, "total-realised_hours") == "1\u202f190"
    assert text_of(html, "total-pending_hours") == "20"
    assert text_of(html, "to-verify") == "1"
    # Programme of 2024, January to March: last year's 100 hours and the waiting person are out.
    assert text_of(html, "programme-realised_hours") == "1\u202f090"
    assert text_of(html, "programme-people") == "3"
    assert text_of(html, "programme-women") == "2"
    assert text_of(html, "programme-qpv_residents") == "1"
    assert text_of(html, "programme-under_26") == "1"  # 26 on the as-of date is not under 26
    assert "Bâtissons nos emplois" in html
    assert "500" in text_of(html, "programme-goal")


def test_the_figures_are_those_of_the_compliance_service(db_session, portfolio):
    board = dashboard.team_dashboard(
        db_session, portfolio.facilitator, ContractFilters(selection=ALL), AS_OF
    )
    found = compliance.statuses(db_session, AS_OF)
    assert board.totals.expected_hours == sum(s.compliance.expected_hours for s in found)
    assert board.totals.by_status == {
        s: sum(f.compliance.status is s for f in found) for s in STATUS_ORDER
    }


def test_contracts_needing_action_most_urgent_first(client, portfolio):
    login(client, portfolio.facilitator)
    html = team_page(client)

    # Ended short, then behind (lowest ratio first: 50 h before 90 h), then report missing,
    # then at risk; on track, fulfilled and not started need nothing.
    assert listed_references(html) == ["E-ENDED", "B-BEHIND", "H-BEHIND", "D-SILENT", "C-AT-RISK"]
    assert "Marchés nécessitant une action" in html


@pytest.mark.parametrize(
    ("args", "references"),
    [
        ({"status": "behind"}, ["B-BEHIND", "H-BEHIND"]),
        ({"status": "missing_report"}, ["D-SILENT"]),
        ({"status": "on_track"}, ["D-SILENT", "A-ON-TRACK"]),
        ({"status": "nonsense"}, ["E-ENDED", "B-BEHIND", "H-BEHIND", "D-SILENT", "C-AT-RISK"]),
        ({"trade": "Plomberie"}, ["E-ENDED", "H-BEHIND"]),
        (
            {"commune": "Bobigny", "status": "all"},
            ["B-BEHIND", "D-SILENT", "C-AT-RISK", "A-ON-TRACK"],
        ),
    ],
)
def test_filters_narrow_the_list(client, portfolio, args, references):
    login(client, portfolio.facilitator)
    assert listed_references(team_page(client, **args)) == references


def test_filters_by_buyer_operation_and_contractor_narrow_the_counts(client, portfolio):
    login(client, portfolio.facilitator)
    north, _south = portfolio.buyer_ids
    a = portfolio.contracts["A-ON-TRACK"]
    by_buyer = team_page(client, buyer=north, status="all")
    by_operation = team_page(client, operation=a.operation_id, status="all")
    by_contractor = team_page(client, contractor=a.contractor_id, status="all")

    assert listed_references(by_buyer) == ["B-BEHIND", "C-AT-RISK", "A-ON-TRACK"]
    assert listed_references(by_operation) == listed_references(by_buyer)
    assert text_of(by_buyer, "count-behind") == "1"
    assert text_of(by_buyer, "programme-people") == "3"
    assert listed_references(by_contractor) == ["E-ENDED", "B-BEHIND", "D-SILENT", "A-ON-TRACK"]
    assert text_of(by_contractor, "programme-realised_hours") == "650"


def test_the_status_filter_leaves_the_counts_alone(client, portfolio):
    login(client, portfolio.facilitator)
    html = team_page(client, status="fulfilled")
    assert listed_references(html) == ["G-DONE"]
    assert text_of(html, "count-behind") == "2"


def test_as_of_is_today_by_default(client, portfolio, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2025, 6, 2))
    login(client, portfolio.facilitator)
    html = page_text(client.get("/"))
    # In May 2025 every 2024 contract has ended: fulfilled or short.
    assert text_of(html, "count-ended_short") == "7"
    assert "2 juin 2025" in text_of(html, "as-of")


def test_the_programme_follows_imports_validations_and_rollbacks(client, db_session, portfolio):
    login(client, portfolio.facilitator)
    last_year, waiting = portfolio.people[4], portfolio.people[3]

    def figures() -> tuple[str, ...]:
        html = team_page(client)
        keys = ("realised_hours", "people", "women", "under_26")
        return tuple(text_of(html, f"programme-{key}") for key in keys)

    assert figures() == ("1\u202f090", "3", "2", "1")
    row = ["A-ON-TRACK", last_year.last_name, last_year.first_name, last_year.birth_date]
    report = import_timesheet(
        db_session,
        xlsx([HEADER, [*row, date(2024, 3, 1), 40, "CDI"]]),
        "mars.xlsx",
        as_of=AS_OF,
        commit=True,
    )
    db_session.commit()
    assert figures() == ("1\u202f130", "4", "3", "2")
    waiting.eligibility_validated_on = VALIDATED
    db_session.commit()
    assert figures() == ("1\u202f150", "5", "3", "2")
    roll_back_batch(db_session, db_session.get(ImportBatch, report.batch_id), None)
    db_session.commit()
    assert figures() == ("1\u202f110", "4", "2", "1")


def test_an_unreadable_as_of_is_today_and_only_the_team_chooses_it(app, portfolio, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    team, buyer = app.test_client(), app.test_client()
    login(team, portfolio.facilitator)
    login(buyer, portfolio.buyer)
    assert "8 avril 2024" in text_of(page_text(team.get("/?as_of=2024-13-45")), "as-of")
    html = page_text(buyer.get("/?as_of=2026-01-01"))
    assert "8 avril 2024" in html
    assert text_of(html, "count-behind") == "1"


def test_the_list_is_capped_and_says_so(db_session, portfolio):
    board = dashboard.team_dashboard(
        db_session, portfolio.facilitator, ContractFilters(selection=ALL), AS_OF, 3
    )
    assert [row.details.reference for row in board.rows] == ["E-ENDED", "B-BEHIND", "H-BEHIND"]
    assert board.listed == 8


def make_contracts(count: int, operation: Any, holder: Any, worker: Participant) -> None:
    for _ in range(count):
        contract = ContractFactory(operation=operation, contractor=holder)
        HourEntryFactory(contract=contract, participant=worker, month=date(2024, 3, 1))


def test_the_team_page_runs_as_many_queries_for_30_contracts_as_for_3(
    client, db_session, portfolio, count_queries
):
    login(client, portfolio.facilitator)
    operation = portfolio.contracts["A-ON-TRACK"].operation
    holder = portfolio.contracts["A-ON-TRACK"].contractor
    worker = portfolio.people[1]
    team_page(client)  # warm-up: the first request of a client loads more (sessions, user)

    def queries() -> int:
        db_session.expire_all()
        with count_queries() as statements:
            team_page(client, status="all")
        return len(statements)

    make_contracts(3, operation, holder, worker)
    few = queries()
    make_contracts(27, operation, holder, worker)
    many = queries()

    assert few == many
    assert few <= 20


# The buyer's page ---------------------------------------------------------------------------


def test_buyer_dashboard_counts_people_never_names(client, portfolio, on_as_of):
    login(client, portfolio.buyer)
    html = page_text(client.get("/"))

    assert portfolio.buyer.organisation.name in text_of(html, "home-title")
    assert listed_references(html) == ["B-BEHIND", "C-AT-RISK", "A-ON-TRACK"]
    assert {ref: text_of(html, f"people-{ref}") for ref in listed_references(html)} == {
        "A-ON-TRACK": "1",
        "B-BEHIND": "1",  # the person awaiting validation does not count yet
        "C-AT-RISK": "2",
    }
    assert "3 personnes avec des heures d'insertion" in html  # Yselda counts once
    assert text_of(html, "count-behind") == "1"
    trades = html.split('data-testid="by-trade"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Gros œuvre</th>\s*<td[^>]*>2</td>", trades)
    assert "Électricité" in trades
    operations = html.split('data-testid="by-operation"', 1)[1].split("</table>", 1)[0]
    assert "Collège Nord" in operations
    assert "Groupe scolaire Sud" not in operations
    for name in NAMES:
        assert name not in html


def test_buyer_dashboard_groups(db_session, portfolio):
    board = dashboard.buyer_dashboard(db_session, portfolio.buyer, AS_OF)
    # Sorted as a reader expects: É with the E, before G.
    assert [(g.name, g.totals.contracts, g.people) for g in board.by_trade] == [
        ("Électricité", 1, 2),
        ("Gros œuvre", 2, 2),
    ]
    assert [(g.name, g.totals.contracts, g.people) for g in board.by_operation] == [
        ("Collège Nord", 3, 3)
    ]
    assert board.people == 3
    assert board.totals.realised_hours == Decimal(550)


# The contractor's page ----------------------------------------------------------------------


def test_contractor_dashboard_says_what_is_due(client, portfolio, on_as_of):
    login(client, portfolio.contractor)
    html = page_text(client.get("/"))

    assert listed_references(html) == ["E-ENDED", "B-BEHIND", "D-SILENT", "A-ON-TRACK"]
    due = html.split('data-testid="due"', 1)[1].split("</ul>", 1)[0]
    assert "D-SILENT" in due
    assert "relevé attendu pour mars 2024" in due
    assert "/imports/new" in due
    assert f'/contracts/{portfolio.contracts["D-SILENT"].id}"' in due
    assert "/imports/template.xlsx" in html
    batches = html.split('data-testid="batches"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r'href="/imports/\d+"', batches)) == dashboard.LATEST_BATCHES
    for word in ("RQTH", "RSA", "ligibilit", "QPV", "C-AT-RISK"):
        assert word not in html


def test_what_is_due_follows_the_reporting_month(db_session, portfolio):
    board = dashboard.contractor_dashboard(db_session, portfolio.contractor, date(2024, 3, 5))
    # As of 5 March the report due is February's: B-BEHIND has hours of March only.
    assert [row.details.reference for row in board.due] == ["B-BEHIND"]


# Exports ------------------------------------------------------------------------------------


def export(client: Any, file_format: str, **args: Any) -> Any:
    response = client.get("/export", query_string={"format": file_format, **args})
    assert response.status_code == 200, response.status_code
    return response


def test_team_exports_the_list_as_xlsx_and_audits_it(client, db_session, portfolio):
    login(client, portfolio.facilitator)
    response = export(client, "xlsx", as_of=AS_OF.isoformat(), status="all", trade="Plomberie")

    assert response.mimetype == exports.MIMETYPES["xlsx"]
    assert "marches-2024-04-08.xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Référence", "Intitulé", "Opération")
    assert [row[0] for row in rows[1:]] == ["E-ENDED", "H-BEHIND", "F-LATER", "G-DONE"]
    h_behind = dict(zip(header, rows[2], strict=True))
    # Not needing action, F (nothing expected yet) comes before G (six times what is expected).
    assert h_behind["Statut"] == "en retard"
    assert h_behind["Heures réalisées"] == 90
    assert h_behind["Personnes"] == 1
    event = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")).one()
    assert event.user_id == portfolio.facilitator.id
    assert event.details["format"] == "xlsx"
    assert event.details["rows"] == 4
    assert event.details["filters"]["trade"] == "Plomberie"


def test_team_exports_the_list_as_csv(client, portfolio):
    login(client, portfolio.facilitator)
    response = export(client, "csv", as_of=AS_OF.isoformat())

    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Référence"
    assert [row[0] for row in rows[1:]] == [
        "E-ENDED",
        "B-BEHIND",
        "H-BEHIND",
        "D-SILENT",
        "C-AT-RISK",
    ]
    b_behind = dict(zip(rows[0], rows[2], strict=True))
    assert b_behind["Heures attendues"] == "298,36"
    assert b_behind["Début"] == "01/01/2024"


def test_buyer_exports_their_own_contracts_without_names(client, db_session, portfolio, on_as_of):
    login(client, portfolio.buyer)
    response = export(client, "csv")

    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == ["A-ON-TRACK", "B-BEHIND", "C-AT-RISK"]
    for name in NAMES:
        assert name not in text
    assert db_session.scalar(
        sa.select(sa.func.count()).where(
            AuditLog.action == "export", AuditLog.user_id == portfolio.buyer.id
        )
    )


def test_contractors_get_no_export_and_unknown_formats_are_404(app, portfolio):
    contractor, team = app.test_client(), app.test_client()
    login(contractor, portfolio.contractor)
    login(team, portfolio.facilitator)
    assert contractor.get("/export?format=csv").status_code == 403
    assert team.get("/export?format=pdf").status_code == 404


def test_exports_never_turn_text_into_formulas():
    table = exports.Table("Marchés: été [2024]", ["Réf"], [["=1+1"], ["-2"], [Decimal("3.5")]])
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table))).worksheets[0]
    assert sheet.title == "Marchés  été  2024"
    assert [c.value for c in sheet["A"]] == ["Réf", "=1+1", "-2", 3.5]
    assert sheet["A2"].data_type == "s"
    lines = exports.to_csv(table).decode("utf-8-sig").splitlines()
    assert lines == ["Réf", "'=1+1", "'-2", "3,5"]


# The demo world -----------------------------------------------------------------------------


DEMO_EMAILS = {
    Role.FACILITATOR: "facilitatrice@clauses.demo",
    Role.BUYER: "acheteur@clauses.demo",
    Role.CONTRACTOR: "entreprise@clauses.demo",
}


def demo_user(session: Any, role: Role) -> User:
    return session.scalars(sa.select(User).where(User.email == DEMO_EMAILS[role])).one()


def test_demo_dashboards_match_the_compliance_service_and_each_scope(app, db_session, monkeypatch):
    today = date.today()
    monkeypatch.setattr(clock, "today", lambda: today)
    demo.load_demo(db_session, today)
    db_session.commit()
    found = compliance.statuses(db_session, today)
    expected = Counter(s.compliance.status.value for s in found)
    expected["missing_report"] = sum(s.compliance.missing_report for s in found)

    team = app.test_client()
    login(team, demo_user(db_session, Role.FACILITATOR), demo.DEMO_PASSWORD)
    html = page_text(team.get("/"))
    assert {key: int(text_of(html, f"count-{key}")) for key in expected} == dict(expected)
    assert sum(int(text_of(html, f"count-{s}")) for s in Status) == len(found)
    assert len(listed_references(page_text(team.get("/?status=all")))) == min(
        len(found), dashboard.LIST_LIMIT
    )

    for role in (Role.BUYER, Role.CONTRACTOR):
        viewer = demo_user(db_session, role)
        client = app.test_client()
        login(client, viewer, demo.DEMO_PASSWORD)
        own = set(db_session.scalars(policy.contracts_of(viewer)).all())
        assert 0 < len(own) < len(found)
        page = page_text(client.get("/"))
        assert set(listed_references(page)) == {c.reference for c in own}, role
