"""Reminders: the missing reports of the reporting month, and the e-mails to their contractors,
sent to a real local SMTP server (the `mailbox` fixture) from the page and the command line."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.models import AuditLog, Reminder, Role
from clauses.services import compliance, reminders
from clauses.services.reminders import ContactSource, Outcome
from tests.conftest import REFUSED_DOMAIN, csrf_token, free_port, login, page_text
from tests.factories import ContractFactory, HourEntryFactory, OrganisationFactory, UserFactory

AS_OF = date(2024, 4, 8)  # the reporting month R is March 2024
MARCH = date(2024, 3, 1)
SUBJECT = "Relevé d'heures d'insertion attendu pour mars 2024 — marché {}"


@pytest.fixture(autouse=True)
def paris_day(monkeypatch):
    """The page's date: early April 2024, when March's reports are due."""
    monkeypatch.setattr(clock, "today", lambda: AS_OF)


def contractor(*emails, email=None, name=None):
    """A contractor organisation with an active account per e-mail."""
    org = OrganisationFactory(email=email, **({"name": name} if name else {}))
    for address in emails:
        UserFactory(role=Role.CONTRACTOR, organisation=org, email=address)
    return org


def missing_contract(reference, *emails, **org):
    return ContractFactory(reference=reference, contractor=contractor(*emails, **org))


def send(app, db_session, **kwargs):
    return reminders.send_reminders(db_session, None, AS_OF, app.config, **kwargs)


def reminder_rows(db_session):
    return db_session.scalars(sa.select(Reminder).order_by(Reminder.recipient)).all()


def run_events(db_session):
    stmt = sa.select(AuditLog).where(AuditLog.action == "send_reminders").order_by(AuditLog.id)
    return db_session.scalars(stmt).all()


def post_send(client, data):
    token = csrf_token(client, "/reminders/")
    return client.post("/reminders/send", data={**data, "csrf_token": token}, follow_redirects=True)


# The list


def test_missing_reports_are_the_contracts_active_in_r_without_entry_nor_declaration(
    db_session,
):
    contractor_org = contractor("chef@btp.fr")
    make = lambda ref, **kw: ContractFactory(reference=ref, contractor=contractor_org, **kw)  # noqa: E731
    make("A-NOTHING")
    HourEntryFactory(contract=make("B-PENDING"), month=MARCH)  # not validated: still a report
    compliance.declare_no_hours(db_session, None, make("C-DECLARED"), MARCH, AS_OF)
    HourEntryFactory(contract=make("D-FEBRUARY"), month=date(2024, 2, 1))
    make("E-LATER", start_date=date(2024, 4, 1))
    make("F-ENDED", start_date=date(2023, 1, 1), end_date=date(2024, 2, 29))
    make("G-LAST-DAY", start_date=date(2024, 3, 31))

    found = reminders.missing_reports(db_session, AS_OF)

    assert [r.contract.reference for r in found] == ["A-NOTHING", "D-FEBRUARY", "G-LAST-DAY"]
    assert {r.month for r in found} == {MARCH}


def test_contacts_are_the_active_accounts_else_the_organisation_email(db_session):
    with_users = contractor("paie@btp.fr", "chef@btp.fr", email="contact@btp.fr")
    UserFactory(role=Role.CONTRACTOR, organisation=with_users, email="old@btp.fr", is_active=False)
    ContractFactory(reference="USERS", contractor=with_users)
    missing_contract("ORG", email="contact@plomberie.fr")
    gone = missing_contract("NONE")
    UserFactory(role=Role.CONTRACTOR, organisation=gone.contractor, is_active=False)

    found = {r.contract.reference: r for r in reminders.missing_reports(db_session, AS_OF)}

    assert found["USERS"].contacts == ("chef@btp.fr", "paie@btp.fr")
    assert found["USERS"].contact_source is ContactSource.USERS
    assert found["ORG"].contacts == ("contact@plomberie.fr",)
    assert found["ORG"].contact_source is ContactSource.ORGANISATION
    assert found["NONE"].contacts == ()
    assert found["NONE"].contact_source is ContactSource.NONE


def test_the_page_lists_contract_contractor_contacts_and_last_reminder(
    app, client, world, mailbox, db_session
):
    missing_contract("REL-1", "chef@btp.fr", name="Maçonnerie Dupont")
    missing_contract("REL-2")
    login(client, world.facilitator)

    page = page_text(client.get("/reminders/"))

    assert "mars 2024" in page
    assert "Maçonnerie Dupont" in page
    assert "chef@btp.fr" in page
    assert "aucun contact" in page
    assert world.contract.reference not in page  # its March report arrived
    assert "REL-1" in page.split("REL-2")[0]

    send(app, db_session)
    page = page_text(client.get("/reminders/"))
    row = page.split('data-contract="REL-1"')[1].split("</tr>")[0]
    assert "relance envoyée" in row
    assert "chef@btp.fr" in row


def test_the_page_reads_a_constant_number_of_queries(client, world, count_queries):
    login(client, world.facilitator)
    missing_contract("FEW-1", "a@few.fr")
    with count_queries() as few:
        assert client.get("/reminders/").status_code == 200
    for n in range(6):
        missing_contract(f"MANY-{n}", f"b{n}@many.fr")
    with count_queries() as many:
        assert "MANY-5" in page_text(client.get("/reminders/"))
    assert len(many) == len(few)


def test_the_clause_team_finds_reminders_in_the_menu(app, world):
    for role, shown in (("facilitator", True), ("admin", True), ("buyer", False)):
        client = app.test_client()
        login(client, getattr(world, role))
        assert ('href="/reminders/"' in client.get("/").get_data(as_text=True)) is shown, role


@pytest.mark.parametrize("role", ["buyer", "contractor"])
def test_buyers_and_contractors_may_not_see_nor_send(app, world, mailbox, role):
    missing_contract("SECRET", "chef@btp.fr")
    client = app.test_client()
    login(client, getattr(world, role))
    token = csrf_token(client, "/")
    assert client.get("/reminders/").status_code == 403
    response = client.post("/reminders/send", data={"csrf_token": token, "scope": "all"})
    assert response.status_code == 403
    assert mailbox.received == []


# Sending from the page


def test_sending_the_ticked_contracts_from_the_page(client, world, mailbox, db_session):
    ticked = missing_contract("REL-UI", "chef@btp.fr", "paie@btp.fr")
    missing_contract("REL-NOT-TICKED", "autre@btp.fr")
    login(client, world.facilitator)

    response = post_send(client, {"contract_ids": str(ticked.id), "scope": "selected"})

    assert response.status_code == 200
    assert "Relances envoyées : 1 ; en échec : 0" in page_text(response)
    [received] = mailbox.received
    assert received.recipients == ("chef@btp.fr", "paie@btp.fr")
    assert received.message["Subject"] == SUBJECT.format("REL-UI")
    assert received.message["To"] == "chef@btp.fr, paie@btp.fr"
    rows = reminder_rows(db_session)
    assert [(r.recipient, r.contract_id, r.month, r.is_sent) for r in rows] == [
        ("chef@btp.fr", ticked.id, MARCH, True),
        ("paie@btp.fr", ticked.id, MARCH, True),
    ]
    assert {r.sent_by_id for r in rows} == {world.facilitator.id}
    [event] = run_events(db_session)
    assert event.user_id == world.facilitator.id
    assert event.object_id == "2024-03-01"
    details = event.details
    assert (details["sent"], details["failed"], details["recipients"]) == (1, 0, 2)


def test_sending_to_every_contract_listed(client, world, mailbox, db_session):
    missing_contract("ALL-1", "un@btp.fr")
    missing_contract("ALL-2", email="contact@deux.fr")
    missing_contract("ALL-3")  # no contact
    login(client, world.admin)

    page = page_text(post_send(client, {"scope": "all"}))

    assert "Relances envoyées : 2 ; en échec : 0 ; déjà envoyées aujourd'hui : 0 ; " in page
    assert "sans contact : 1" in page
    assert sorted(r.recipients for r in mailbox.received) == [("contact@deux.fr",), ("un@btp.fr",)]
    [event] = run_events(db_session)
    assert (event.details["sent"], event.details["no_contact"]) == (2, 1)


def test_sending_nothing_ticked_sends_nothing(client, world, mailbox, db_session):
    missing_contract("REL-1", "chef@btp.fr")
    login(client, world.facilitator)

    page = page_text(post_send(client, {"scope": "selected"}))

    assert "Cochez au moins un marché" in page
    assert mailbox.received == []
    assert run_events(db_session) == []


def test_an_unreachable_server_is_shown_on_the_page(app, client, world, monkeypatch, db_session):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    missing_contract("REL-DOWN", "chef@btp.fr")
    login(client, world.facilitator)

    page = page_text(post_send(client, {"scope": "all"}))

    assert "Relances envoyées : 0 ; en échec : 1" in page
    assert f"Échec de l'envoi : Connection refused (127.0.0.1:{port})" in page
    row = page.split('data-contract="REL-DOWN"')[1].split("</tr>")[0]
    assert "échec de l'envoi" in row


# The e-mail


def test_the_email_says_which_contract_and_month_and_how_to_answer(
    app, mailbox, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SENDER", "Équipe clause 93 <clause@example.fr>")
    contract = missing_contract("OPH-12", "chef@btp.fr", name="Couverture Martin")
    links = reminders.Links(
        upload="https://clauses.example.fr/imports/new",
        contract=lambda contract_id: f"https://clauses.example.fr/contracts/{contract_id}",
    )

    send(app, db_session, links=links)

    [received] = mailbox.received
    message = received.message
    assert received.sender == "clause@example.fr"
    assert message["From"] == "Équipe clause 93 <clause@example.fr>"
    assert message["Message-ID"].endswith("@example.fr>")
    body = message.get_content()
    assert "OPH-12" in body
    assert contract.title in body
    assert "Couverture Martin" in body
    assert "mars 2024" in body
    assert "https://clauses.example.fr/imports/new" in body
    assert f"https://clauses.example.fr/contracts/{contract.id}" in body
    assert "rien à déclarer" in body


def test_the_email_of_august_needs_no_elision(app, mailbox, db_session):
    """ "de août" is wrong French: the month comes after "pour" or "en"."""
    ContractFactory(
        reference="AOUT-1",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        contractor=contractor("chef@btp.fr"),
    )

    reminders.send_reminders(db_session, None, date(2026, 9, 7), app.config)

    [received] = mailbox.received
    subject, body = received.message["Subject"], received.message.get_content()
    assert subject == "Relevé d'heures d'insertion attendu pour août 2026 — marché AOUT-1"
    assert "relevé des heures d'insertion pour août 2026 du marché suivant" in body
    assert "en août 2026" in body
    assert "de août" not in subject + body


def test_the_email_reads_in_english_when_asked(db_session):
    ContractFactory(reference="EN-1", contractor=contractor("chef@btp.fr"))
    [report] = reminders.missing_reports(db_session, AS_OF)

    subject = reminders.reminder_subject(report, "en")

    assert subject == "Insertion hours report expected for March 2024 — contract EN-1"


def test_without_base_url_the_email_says_where_to_click(app, mailbox, db_session):
    missing_contract("OPH-13", "chef@btp.fr")

    send(app, db_session)

    body = mailbox.received[0].message.get_content()
    assert "http" not in body
    assert "Relevés d'heures" in body


def send_as(app, world, caller, mailbox):
    """Send from the page (as a facilitator) or the command line; the one e-mail's body."""
    if caller == "page":
        client = app.test_client()
        login(client, world.facilitator)
        post_send(client, {"scope": "all"})
    else:
        result = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2024-04-08"])
        assert result.exit_code == 0, result.output
    [received] = mailbox.received
    return received.message.get_content()


@pytest.mark.parametrize("caller", ["page", "command"])
def test_the_page_and_the_command_link_to_the_routes_at_base_url(
    app, mailbox, db_session, world, monkeypatch, caller
):
    """The caller builds the links from the app's routes, at BASE_URL (a sub-path kept)."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://example.fr/clauses/")
    contract = missing_contract("LINK-1", "chef@btp.fr")

    body = send_as(app, world, caller, mailbox)

    assert "https://example.fr/clauses/imports/new" in body
    assert re.search(rf"https://example\.fr/clauses/contracts/{contract.id}\b", body)


@pytest.mark.parametrize("caller", ["page", "command"])
def test_without_base_url_neither_page_nor_command_gives_a_link(
    app, mailbox, db_session, world, caller
):
    missing_contract("LINK-2", "chef@btp.fr")

    body = send_as(app, world, caller, mailbox)

    assert "http" not in body
    assert "Relevés d'heures" in body


# The command line


def test_the_command_sends_prints_and_records(app, mailbox, db_session):
    missing_contract("CLI-1", "chef@btp.fr")
    missing_contract("CLI-2")

    result = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2024-04-08"])

    assert result.exit_code == 0, result.output
    assert "CLI-1 → chef@btp.fr : envoyée" in result.output
    assert "CLI-2 → — : aucun contact" in result.output
    [received] = mailbox.received
    assert received.message["Subject"] == SUBJECT.format("CLI-1")
    assert [(r.recipient, r.is_sent, r.sent_by_id) for r in reminder_rows(db_session)] == [
        ("chef@btp.fr", True, None)
    ]
    [event] = run_events(db_session)
    assert event.user_id is None
    assert (event.details["sent"], event.details["no_contact"]) == (1, 1)


def test_the_command_takes_today_by_default(app, mailbox, db_session):
    missing_contract("CLI-TODAY", "chef@btp.fr")

    result = app.test_cli_runner().invoke(args=["send-reminders"])

    assert result.exit_code == 0, result.output
    assert "Relevés manquants pour mars 2024 au 08/04/2024 : 1 marché." in result.output
    assert len(mailbox.received) == 1


def test_the_command_dry_run_sends_and_writes_nothing(app, mailbox, db_session):
    missing_contract("DRY-1", "chef@btp.fr")

    result = app.test_cli_runner().invoke(
        args=["send-reminders", "--as-of", "2024-04-08", "--dry-run"]
    )

    assert result.exit_code == 0, result.output
    assert "DRY-1 → chef@btp.fr : à envoyer" in result.output
    assert "Essai à blanc" in result.output
    assert mailbox.received == []
    assert reminder_rows(db_session) == []
    assert run_events(db_session) == []


def test_the_command_with_an_unreachable_server_records_failures(app, db_session, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    missing_contract("DOWN-1", "chef@btp.fr", "paie@btp.fr")
    missing_contract("DOWN-2", email="contact@down.fr")

    result = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2024-04-08"])

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    refused = f"Connection refused (127.0.0.1:{port})"
    assert f"DOWN-1 → chef@btp.fr, paie@btp.fr : échec : {refused}" in result.output
    assert "0 relance envoyée, 2 en échec." in result.output
    rows = reminder_rows(db_session)
    assert [(r.recipient, r.is_sent) for r in rows] == [
        ("chef@btp.fr", False),
        ("contact@down.fr", False),
        ("paie@btp.fr", False),
    ]
    assert all(r.error == refused for r in rows)
    [event] = run_events(db_session)
    assert (event.details["sent"], event.details["failed"]) == (0, 2)


# The service's rules


def test_dry_run_returns_the_messages_it_would_send(app, mailbox, db_session):
    missing_contract("DRY-2", "chef@btp.fr")
    missing_contract("DRY-3")

    results = send(app, db_session, dry_run=True)

    assert [(r.reference, r.outcome) for r in results] == [
        ("DRY-2", Outcome.TO_SEND),
        ("DRY-3", Outcome.NO_CONTACT),
    ]
    assert results[0].subject == SUBJECT.format("DRY-2")
    assert results[0].message["To"] == "chef@btp.fr"
    assert results[1].message is None
    assert mailbox.received == []
    assert reminder_rows(db_session) == []
    assert run_events(db_session) == []


def test_no_second_reminder_the_same_day_unless_forced(app, mailbox, db_session):
    missing_contract("TWICE", "chef@btp.fr")
    morning = datetime(2024, 4, 8, 7, 0, tzinfo=UTC)

    assert [r.outcome for r in send(app, db_session, now=morning)] == [Outcome.SENT]
    evening = morning + timedelta(hours=14)  # 23:00 in Paris, the same day
    assert [r.outcome for r in send(app, db_session, now=evening)] == [Outcome.ALREADY_SENT]
    assert len(mailbox.received) == 1
    assert [r.outcome for r in send(app, db_session, now=evening, force=True)] == [Outcome.SENT]
    next_day = morning + timedelta(hours=16)  # 01:00 in Paris, the next day
    assert [r.outcome for r in send(app, db_session, now=next_day)] == [Outcome.SENT]
    assert len(mailbox.received) == 3
    assert len(reminder_rows(db_session)) == 3
    events = run_events(db_session)
    assert [e.details["already_sent"] for e in events] == [0, 1, 0, 0]
    assert [e.details["forced"] for e in events] == [False, False, True, False]


def test_a_failed_reminder_is_sent_again_the_same_day(app, mailbox, db_session, monkeypatch):
    missing_contract("RETRY", "chef@btp.fr")
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    assert [r.outcome for r in send(app, db_session)] == [Outcome.FAILED]

    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    assert [r.outcome for r in send(app, db_session)] == [Outcome.SENT]
    assert len(mailbox.received) == 1


def test_a_refused_recipient_fails_alone(app, mailbox, db_session):
    missing_contract("PART", "chef@btp.fr", f"parti@{REFUSED_DOMAIN}")
    missing_contract("NOBODY", f"personne@{REFUSED_DOMAIN}")

    results = {r.reference: r for r in send(app, db_session)}

    assert results["PART"].outcome is Outcome.SENT
    assert results["NOBODY"].outcome is Outcome.FAILED
    assert [r.recipients for r in mailbox.received] == [("chef@btp.fr",)]
    rows = {r.recipient: r for r in reminder_rows(db_session)}
    assert rows["chef@btp.fr"].is_sent
    assert not rows[f"parti@{REFUSED_DOMAIN}"].is_sent
    assert rows[f"parti@{REFUSED_DOMAIN}"].error.startswith("550")
    assert not rows[f"personne@{REFUSED_DOMAIN}"].is_sent


def test_only_contracts_still_missing_are_sent(app, mailbox, db_session):
    arrived = ContractFactory(reference="ARRIVED", contractor=contractor("chef@btp.fr"))
    HourEntryFactory(contract=arrived, month=MARCH)

    assert send(app, db_session, contract_ids=[arrived.id]) == []
    assert mailbox.received == []
    assert run_events(db_session) == []


def test_conflicting_tls_settings_are_a_configuration_error(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", True)
    missing_contract("TLS", "chef@btp.fr")

    result = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2024-04-08"])

    assert result.exit_code == 2
    assert '"code": "mail_security_conflict"' in result.output
    assert reminder_rows(db_session) == []
