"""A contract's page, where its compliance is read and acted on: the status and the sentence
saying why, the curve, hours per month, type and person, the months still to report with the
"nothing to report" button, the hour sheets and the reminders; each role seeing its share."""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.models import (
    AuditLog,
    Contract,
    EmploymentType,
    NoHoursDeclaration,
    Reminder,
    Role,
    ScheduledHours,
)
from clauses.rules.dates import months_of
from clauses.services import contract_page
from tests.conftest import FIXTURES, csrf_token, login, page_text
from tests.factories import (
    HourEntryFactory,
    ImportBatchFactory,
    ParticipantFactory,
    UserFactory,
)

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SVG = "{http://www.w3.org/2000/svg}"


def as_of(monkeypatch, day: date) -> None:
    """Today, for the pages (the one clock the app reads)."""
    monkeypatch.setattr(clock, "today", lambda: day)


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def section(page: str, testid: str) -> str:
    """The text of the element with this data-testid, tags removed, spaces collapsed."""
    before, after = page.split(f'data-testid="{testid}"', 1)
    name = re.search(r"<(\w+)[^<]*$", before).group(1)
    body, depth = after.split(">", 1)[1], 1
    for match in re.finditer(rf"<(/?){name}\b[^>]*>", body):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            body = body[: match.start()]
            break
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def number(text: str) -> Decimal:
    """ "1 045,5 h" as Decimal("1045.5")."""
    digits = re.sub(r"[^\d,]", "", text).replace(",", ".")
    return Decimal(digits)


# The shared fixtures: a known world, known figures ------------------------------------------------


@pytest.fixture
def loaded(app, db_session):
    """contracts.xlsx, participants.xlsx and every hour sheet, as of expected.json's date."""
    runner = app.test_cli_runner()
    for command, name in (
        ("import-contracts", "contracts.xlsx"),
        ("import-participants", "participants.xlsx"),
    ):
        assert runner.invoke(args=[command, str(FIXTURES / name)]).exit_code == 0
    for name in EXPECTED["order"]:
        args = EXPECTED.get("args", {}).get(name, [])
        result = runner.invoke(
            args=[
                "import-timesheet",
                str(FIXTURES / name),
                *args,
                "--as-of",
                EXPECTED["as_of"],
                "--commit",
            ]
        )
        assert result.exit_code == 0, result.output
    return {c.reference: c for c in db_session.scalars(sa.select(Contract))}


@pytest.mark.parametrize("reference", sorted(EXPECTED["status"]))
def test_figures_are_the_status_of_expected_json(app, loaded, reference):
    want = EXPECTED["status"][reference]
    client = signed_in(app, UserFactory(role=Role.FACILITATOR))
    page = page_text(client.get(f"/contracts/{loaded[reference].id}?as_of={EXPECTED['as_of']}"))
    for key in ("committed", "expected", "realised", "pending"):
        got = number(section(page, f"fig-{key}"))
        assert got == pytest.approx(Decimal(str(want[f"{key}_hours"])), abs=Decimal("0.011"))
    assert int(section(page, "fig-open-places")) == want["open_places"]
    assert ('data-testid="missing-report"' in page) is want["missing_report"]
    labels = {"on_track": "dans les temps", "at_risk": "à risque", "behind": "en retard"}
    assert section(page, "status") == labels[want["status"]]


def test_the_sentence_says_why(app, loaded):
    client = signed_in(app, UserFactory(role=Role.FACILITATOR))
    at_risk = loaded["DEP93-2023-031-L04"]
    page = page_text(client.get(f"/contracts/{at_risk.id}?as_of=2024-04-08"))
    assert section(page, "status-sentence") == (
        "320,5 h réalisées sur 523,77 h attendues au 31 mars : 61 %"
    )
    assert "Situation au 8 avril 2024" in page
    assert section(page, "status-reason") == (
        "Dans les temps à partir de 90 % des heures attendues, à risque à partir de 60 %, "
        "en retard en dessous."
    )
    assert "1 place d'insertion à pourvoir" in section(page, "compliance")


def test_the_chart_draws_the_curves_of_the_status(app, loaded, db_session):
    contract = loaded["OPH93-2024-007"]
    client = signed_in(app, UserFactory(role=Role.FACILITATOR))
    page = page_text(client.get(f"/contracts/{contract.id}?as_of=2024-04-08"))
    svg = ElementTree.fromstring(re.search(r"<svg.*?</svg>", page, re.S).group(0))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.startswith("Heures d'insertion du marché OPH93-2024-007")
    lines = {g.get("data-series"): g.find(f"{SVG}polyline") for g in svg.iter(f"{SVG}g")}
    months = len(months_of(contract.start_date, contract.end_date))
    assert len(lines["Heures attendues"].get("points").split()) == months
    assert len(lines["Engagement"].get("points").split()) == months
    curve = contract_page.load(db_session, UserFactory(), contract, date(2024, 4, 8)).curve
    realised = [p for p in curve if p.realised is not None]
    assert len(lines["Heures réalisées"].get("points").split()) == len(realised)
    assert realised[-1].month == date(2024, 3, 1)
    assert realised[-1].realised == Decimal("300.00")  # the status's realised hours
    march = next(p for p in curve if p.month == date(2024, 3, 1))
    assert march.expected == Decimal("298.36")  # the status's expected hours
    assert curve[-1].expected == Decimal("1200.00")
    table = section(page, "chart-data")
    assert "mars 2024 298,36 h 300 h" in table


# The world of the factories: one contract, known hours --------------------------------------------


def test_curve_month_by_month(world, db_session):
    """1 200 h over 2024, linear; 35 h in March (validated), 10 h in April."""
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        month=date(2024, 4, 1),
        hours=Decimal(10),
    )
    page = contract_page.load(db_session, world.facilitator, world.contract, date(2024, 5, 6))
    assert [(p.month.month, p.expected, p.realised) for p in page.curve[:6]] == [
        (1, Decimal("101.64"), Decimal(0)),
        (2, Decimal("196.72"), Decimal(0)),
        (3, Decimal("298.36"), Decimal(35)),
        (4, Decimal("396.72"), Decimal(45)),
        (5, Decimal("498.36"), None),
        (6, Decimal("596.72"), None),
    ]
    assert len(page.curve) == 12
    assert page.compliance.realised_hours == page.curve[3].realised


def test_curve_follows_the_schedule_where_there_is_one(world, db_session):
    db_session.add_all(
        [
            ScheduledHours(contract=world.contract, month=date(2024, 2, 1), hours=Decimal(100)),
            ScheduledHours(contract=world.contract, month=date(2024, 3, 1), hours=Decimal(250)),
        ]
    )
    db_session.commit()
    page = contract_page.load(db_session, world.facilitator, world.contract, date(2024, 4, 8))
    assert [p.expected for p in page.curve[:4]] == [0, 100, 350, 350]
    assert page.compliance.expected_hours == Decimal("350.00")


def test_hours_outside_the_contract_count_in_its_first_month(world, db_session):
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        month=date(2023, 12, 1),
        hours=Decimal(7),
    )
    page = contract_page.load(db_session, world.facilitator, world.contract, date(2024, 4, 8))
    assert page.curve[0].realised == Decimal(7)
    assert page.curve[2].realised == Decimal(42) == page.compliance.realised_hours


@pytest.mark.parametrize(
    ("terms", "status", "sentence", "reason"),
    [
        (
            {"start_date": date(2024, 6, 1), "end_date": date(2025, 5, 31)},
            "pas commencé",
            "Le marché commence le 1 juin 2024 : aucune heure d'insertion n'est encore attendue.",
            "",
        ),
        (
            {"committed_hours": Decimal(30)},
            "honoré",
            "35 h réalisées sur 7,46 h attendues au 31 mars : 469 %",
            "Les 30 h prévues sont atteintes.",
        ),
        (
            {"start_date": date(2023, 1, 1), "end_date": date(2024, 1, 31)},
            "terminé en deçà",
            "35 h réalisées sur 1 200 h attendues au 31 mars : 3 %",
            "Le marché s'est terminé le 31 janvier 2024 sans atteindre les 1 200 h prévues.",
        ),
        (
            {},
            "en retard",
            "35 h réalisées sur 298,36 h attendues au 31 mars : 12 %",
            "Dans les temps à partir de 90 %",
        ),
    ],
)
def test_status_label_sentence_and_reason(
    app, world, db_session, monkeypatch, terms, status, sentence, reason
):
    for key, value in terms.items():
        setattr(world.contract, key, value)
    db_session.commit()
    as_of(monkeypatch, date(2024, 4, 8))
    page = page_text(signed_in(app, world.buyer).get(f"/contracts/{world.contract.id}"))
    assert section(page, "status") == status
    assert section(page, "status-sentence") == sentence
    assert section(page, "status-reason").startswith(reason)


def test_only_the_clause_team_may_look_at_another_day(app, world, monkeypatch):
    as_of(monkeypatch, date(2024, 4, 8))
    path = f"/contracts/{world.contract.id}?as_of=2024-07-15"
    team = page_text(signed_in(app, world.facilitator).get(path))
    assert "Situation au 15 juillet 2024" in team
    assert 'name="as_of"' in team
    contractor = page_text(signed_in(app, world.contractor).get(path))
    assert "Situation au 8 avril 2024" in contractor
    assert 'name="as_of"' not in contractor
    garbage = page_text(signed_in(app, world.facilitator).get(f"{path[:-10]}not-a-day"))
    assert "Situation au 8 avril 2024" in garbage


def test_missing_months_up_to_the_reporting_month(app, world, db_session, monkeypatch):
    # Hours in March only; as of 10 June the reporting month is May.
    db_session.add(NoHoursDeclaration(contract_id=world.contract.id, month=date(2024, 2, 1)))
    db_session.commit()
    page = contract_page.load(db_session, world.buyer, world.contract, date(2024, 6, 10))
    assert page.missing_months == [date(2024, 1, 1), date(2024, 4, 1), date(2024, 5, 1)]
    assert page.declared_months == [date(2024, 2, 1)]
    assert page.compliance.missing_report is True
    as_of(monkeypatch, date(2024, 6, 10))
    shown = page_text(signed_in(app, world.buyer).get(f"/contracts/{world.contract.id}"))
    assert section(shown, "missing-months") == "janvier 2024 avril 2024 mai 2024"
    assert section(shown, "declared-months") == "février 2024"
    assert "Relevé d'heures manquant pour mai 2024." in section(shown, "missing-report")
    assert "3 mois sans relevé jusqu'à mai 2024" in shown


def test_a_pending_persons_hours_are_a_report_too(world, db_session):
    HourEntryFactory(
        contract=world.contract, participant=ParticipantFactory(), month=date(2024, 1, 1)
    )
    page = contract_page.load(db_session, world.buyer, world.contract, date(2024, 4, 8))
    assert page.missing_months == [date(2024, 2, 1)]
    assert page.compliance.missing_report is False


def test_hours_per_employment_type(app, world, monkeypatch):
    pending = ParticipantFactory(last_name="Nouveau")
    HourEntryFactory(
        contract=world.contract,
        participant=pending,
        employment_type=EmploymentType.INTERIM,
        hours=Decimal("20.5"),
    )
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        employment_type=EmploymentType.INTERIM,
        month=date(2024, 2, 1),
        hours=Decimal(50),
    )
    as_of(monkeypatch, date(2024, 4, 8))
    team = page_text(signed_in(app, world.facilitator).get(f"/contracts/{world.contract.id}"))
    assert section(team, "hours-by-type").endswith(
        "intérim / ETTI 70,5 h 50 h 20,5 h 2 CDI 35 h 35 h 0 h 1"
    )
    contractor = page_text(signed_in(app, world.contractor).get(f"/contracts/{world.contract.id}"))
    assert section(contractor, "hours-by-type").endswith("intérim / ETTI 70,5 h 2 CDI 35 h 1")


def test_buyers_see_counts_never_names(app, world, monkeypatch):
    HourEntryFactory(contract=world.contract, participant=ParticipantFactory(last_name="Nouveau"))
    as_of(monkeypatch, date(2024, 4, 8))
    page = page_text(signed_in(app, world.buyer).get(f"/contracts/{world.contract.id}"))
    assert section(page, "people-count") == "2 personnes ont des heures sur ce marché."
    for name in ("Diallo", "DIALLO", "Awa", "Nouveau", "NOUVEAU"):
        assert name not in page
    assert 'data-testid="hours-by-person"' not in page


def test_people_with_their_months_for_the_contractor(app, world, monkeypatch):
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        month=date(2024, 1, 1),
        hours=Decimal(12),
    )
    as_of(monkeypatch, date(2024, 4, 8))
    page = page_text(signed_in(app, world.contractor).get(f"/contracts/{world.contract.id}"))
    assert section(page, "hours-by-person").endswith(
        "DIALLO Awa 2 mois, janvier 2024 \u2013 mars 2024 47 h"
    )


@pytest.fixture
def files(world, db_session):
    """The world's sheet with 3 rejected rows, one sent by the clause team, two reminders."""
    own = world.contract.hour_entries[0].batch
    own.rows_rejected = 3
    by_team = ImportBatchFactory(filename="equipe.xlsx", contractor=None)
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        month=date(2024, 2, 1),
        batch=by_team,
    )
    db_session.add_all(
        [
            Reminder(
                contract_id=world.contract.id,
                month=date(2024, 2, 1),
                recipient="contractor@example.fr",
                sent_at=datetime(2024, 3, 5, 8, 0),
            ),
            Reminder(
                contract_id=world.contract.id,
                month=date(2024, 3, 1),
                recipient="contractor@example.fr",
                sent_at=datetime(2024, 4, 5, 8, 0),
                is_sent=False,
                error="Connection refused",
            ),
        ]
    )
    db_session.commit()
    return own, by_team


def test_hour_sheets_with_their_rejected_rows(app, world, files, monkeypatch):
    own, by_team = files
    as_of(monkeypatch, date(2024, 4, 8))
    path = f"/contracts/{world.contract.id}"
    team = page_text(signed_in(app, world.facilitator).get(path))
    batches = team.split('data-testid="batches"', 1)[1].split("</table>", 1)[0]
    assert f'href="/imports/{own.id}"' in batches
    assert f'href="/imports/{by_team.id}"' in batches
    row = batches.split("releve.xlsx", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num[^"]*">([^<]+)</td>', row) == ["1", "35 h", "3"]
    contractor = page_text(signed_in(app, world.contractor).get(path))
    batches = contractor.split('data-testid="batches"', 1)[1].split("</table>", 1)[0]
    assert f'href="/imports/{own.id}"' in batches
    assert f'href="/imports/{by_team.id}"' not in batches  # not the contractor's to open
    assert "equipe.xlsx" in batches
    buyer = page_text(signed_in(app, world.buyer).get(path))
    assert "/imports/" not in buyer
    assert "releve.xlsx" in buyer


def test_reminders_sent_and_failed(app, world, files, monkeypatch):
    as_of(monkeypatch, date(2024, 4, 8))
    path = f"/contracts/{world.contract.id}"
    team = page_text(signed_in(app, world.facilitator).get(path))
    reminders = section(team, "reminders")
    assert "05/04/2024" in reminders
    assert "mars 2024 contractor@example.fr échec Connection refused" in reminders
    assert "février 2024 contractor@example.fr envoyée" in reminders
    assert reminders.index("mars 2024") < reminders.index("février 2024")  # newest first
    contractor = section(page_text(signed_in(app, world.contractor).get(path)), "reminders")
    assert "échec" in contractor
    assert "Connection refused" not in contractor


def test_the_contractor_page_says_nothing_of_eligibility(app, world, files, monkeypatch):
    HourEntryFactory(contract=world.contract, participant=ParticipantFactory())
    as_of(monkeypatch, date(2024, 6, 10))
    page = page_text(signed_in(app, world.contractor).get(f"/contracts/{world.contract.id}"))
    lowered = page.lower()
    for word in ("ligibilit", "à vérifier", "validé", "rqth", "rsa", "qpv", "critère"):
        assert word not in lowered, word


# "Nothing to report" ------------------------------------------------------------------------------


def declare(client, contract, month: str):
    token = csrf_token(client, f"/contracts/{contract.id}")
    return client.post(
        f"/contracts/{contract.id}/no-hours", data={"month": month, "csrf_token": token}
    )


def declarations(db_session, contract):
    return list(
        db_session.scalars(
            sa.select(NoHoursDeclaration.month).where(NoHoursDeclaration.contract_id == contract.id)
        )
    )


@pytest.mark.parametrize("role", ["contractor", "facilitator", "admin"])
def test_declare_nothing_to_report_for_the_reporting_month(
    app, world, db_session, monkeypatch, role
):
    as_of(monkeypatch, date(2024, 5, 6))  # April is due, and missing
    client = signed_in(app, getattr(world, role))
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    assert "Rien à déclarer pour avril 2024" in section(page, "missing-report")
    response = declare(client, world.contract, "2024-04")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contracts/{world.contract.id}"
    assert declarations(db_session, world.contract) == [date(2024, 4, 1)]
    event = db_session.scalar(sa.select(AuditLog).where(AuditLog.action == "declare_no_hours"))
    assert (event.user_id, event.object_id) == (getattr(world, role).id, str(world.contract.id))
    after = page_text(client.get(f"/contracts/{world.contract.id}"))
    assert "Rien à déclarer pour avril 2024 : c'est enregistré." in after
    assert 'data-testid="missing-report"' not in after
    assert "« Rien à déclarer » a été déclaré pour avril 2024." in after


def test_declare_an_earlier_missing_month(app, world, db_session, monkeypatch):
    as_of(monkeypatch, date(2024, 5, 6))
    client = signed_in(app, world.contractor)
    form = section(page_text(client.get(f"/contracts/{world.contract.id}")), "no-hours-form")
    assert "avril 2024 février 2024 janvier 2024" in form
    assert declare(client, world.contract, "2024-02").status_code == 302
    page = contract_page.load(db_session, world.contractor, world.contract, date(2024, 5, 6))
    assert page.missing_months == [date(2024, 1, 1), date(2024, 4, 1)]


def test_a_month_not_yet_due_is_refused(app, world, db_session, monkeypatch):
    as_of(monkeypatch, date(2024, 5, 6))
    client = signed_in(app, world.contractor)
    response = declare(client, world.contract, "2024-05")
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Pas encore de déclaration possible pour mai 2024" in page
    assert declarations(db_session, world.contract) == []


def test_a_month_outside_the_contract_is_refused(app, world, db_session, monkeypatch):
    as_of(monkeypatch, date(2024, 5, 6))
    client = signed_in(app, world.facilitator)
    response = declare(client, world.contract, "2023-11")
    assert "Hors de la période du marché" in page_text(client.get(response.headers["Location"]))
    assert declarations(db_session, world.contract) == []


@pytest.mark.parametrize("month", ["", "2024-13", "avril", "2024-04-01"])
def test_a_garbled_month_is_a_bad_request(app, world, db_session, month):
    client = signed_in(app, world.contractor)
    assert declare(client, world.contract, month).status_code == 400
    assert declarations(db_session, world.contract) == []


def test_without_csrf_token_nothing_is_declared(app, world, db_session, monkeypatch):
    as_of(monkeypatch, date(2024, 5, 6))
    client = signed_in(app, world.contractor)
    response = client.post(f"/contracts/{world.contract.id}/no-hours", data={"month": "2024-04"})
    assert response.status_code == 400
    assert declarations(db_session, world.contract) == []


def test_buyers_and_other_contractors_cannot_declare(app, world, db_session, monkeypatch):
    as_of(monkeypatch, date(2024, 5, 6))
    buyer = signed_in(app, world.buyer)
    page = page_text(buyer.get(f"/contracts/{world.contract.id}"))
    assert "/no-hours" not in page
    assert "Rien à déclarer pour" not in page
    assert declare(buyer, world.contract, "2024-04").status_code == 403
    other = signed_in(app, world.other_contractor)
    token = csrf_token(other, "/contracts/")
    response = other.post(
        f"/contracts/{world.contract.id}/no-hours", data={"month": "2024-04", "csrf_token": token}
    )
    assert response.status_code == 404
    assert declarations(db_session, world.contract) == []


# Speed --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["facilitator", "contractor", "buyer"])
def test_as_many_queries_for_30_people_as_for_3(
    app, world, db_session, monkeypatch, count_queries, role
):
    as_of(monkeypatch, date(2024, 6, 10))
    client = signed_in(app, getattr(world, role))
    path = f"/contracts/{world.contract.id}"
    contract_id = world.contract.id

    def add_people(count: int) -> None:
        contract = db_session.get(Contract, contract_id)
        for _ in range(count):
            person = ParticipantFactory(validated=True)
            for month in (1, 2, 4):
                HourEntryFactory(contract=contract, participant=person, month=date(2024, month, 1))

    def page_queries() -> int:
        db_session.expunge_all()  # as in production, each request starts from an empty session
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    add_people(2)  # with the world's participant: 3
    few = page_queries()
    add_people(27)
    assert page_queries() == few
    assert few < 30
