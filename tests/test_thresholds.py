"""The compliance thresholds page of the administration: current values, changes, refusals."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from clauses.models import AuditLog, Contract, Setting
from clauses.rules.compliance import Status
from clauses.services import compliance
from tests.conftest import csrf_token, login, page_text
from tests.factories import ContractFactory, HourEntryFactory, ParticipantFactory

AS_OF = date(2024, 4, 8)
PAGE = "/admin/thresholds"


@pytest.fixture
def admin(client, world):
    login(client, world.admin)
    return client


def post(client, on_track, at_risk):
    token = csrf_token(client, PAGE)
    return client.post(
        PAGE,
        data={"on_track": on_track, "at_risk": at_risk, "csrf_token": token},
        follow_redirects=True,
    )


def status_of(db_session, contract):
    stmt = sa.select(Contract).where(Contract.id == contract.id)
    [found] = compliance.statuses(db_session, AS_OF, stmt)
    return found.compliance.status


def threshold_events(db_session):
    return db_session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == "setting", AuditLog.action == "update")
    ).all()


def test_the_page_shows_the_default_thresholds(admin):
    page = page_text(admin.get(PAGE))

    assert "au moins 90 %" in page
    assert "au moins 60 %" in page
    assert 'value="90"' in page
    assert 'value="60"' in page


def test_the_administration_tabs_link_to_the_thresholds(admin):
    assert f'href="{PAGE}"' in admin.get("/admin/users").get_data(as_text=True)


def test_new_thresholds_change_the_statuses(admin, db_session, world):
    # 210 h realised of 298.36 h expected by the end of March: a ratio of about 0.70.
    contract = ContractFactory()
    HourEntryFactory(
        contract=contract,
        participant=ParticipantFactory(validated=True),
        month=date(2024, 3, 1),
        hours=Decimal(210),
    )
    assert status_of(db_session, contract) is Status.AT_RISK

    page = page_text(post(admin, "70", "50 %"))

    assert "Les seuils de conformité sont enregistrés." in page
    assert "au moins 70 %" in page
    assert status_of(db_session, contract) is Status.ON_TRACK
    values = dict(db_session.execute(sa.select(Setting.key, Setting.value)).all())
    assert values == {"threshold_on_track": "0.7", "threshold_at_risk": "0.5"}
    [event] = threshold_events(db_session)
    assert event.user_id == world.admin.id
    assert event.details["after"] == {"on_track": "0.7", "at_risk": "0.5"}

    post(admin, "95", "75")
    assert status_of(db_session, contract) is Status.BEHIND


@pytest.mark.parametrize(
    ("on_track", "at_risk"),
    [("60", "60"), ("50", "70"), ("120", "60"), ("90", "0")],
)
def test_impossible_thresholds_are_refused_on_the_form(admin, db_session, on_track, at_risk):
    response = post(admin, on_track, at_risk)

    page = page_text(response)
    assert response.status_code == 200
    assert 'class="alert alert-danger" role="alert"' in page  # the form's own error
    assert "Les seuils de conformité sont enregistrés." not in page
    assert compliance.current_thresholds(db_session) == compliance.Thresholds()
    assert db_session.scalars(sa.select(Setting)).all() == []
    assert threshold_events(db_session) == []


@pytest.mark.parametrize(("on_track", "at_risk"), [("", "60"), ("beaucoup", "60"), ("90", "0,6,1")])
def test_an_empty_or_unreadable_field_is_refused_next_to_it(admin, db_session, on_track, at_risk):
    page = page_text(post(admin, on_track, at_risk))

    assert "is-invalid" in page
    assert "Les seuils de conformité sont enregistrés." not in page
    assert db_session.scalars(sa.select(Setting)).all() == []


@pytest.mark.parametrize(
    ("on_track", "at_risk", "stored", "shown"),
    [
        ("90 %", "60 %", ("0.9", "0.6"), ("90", "60")),
        ("90", "60", ("0.9", "0.6"), ("90", "60")),
        ("90,5 %", "60.25%", ("0.905", "0.6025"), ("90,5", "60,25")),
        ("100\u202f%", "75\xa0%", ("1", "0.75"), ("100", "75")),
    ],
)
def test_thresholds_are_typed_in_percent_and_kept_as_ratios(
    admin, db_session, on_track, at_risk, stored, shown
):
    page = page_text(post(admin, on_track, at_risk))

    assert "Les seuils de conformité sont enregistrés." in page
    values = dict(db_session.execute(sa.select(Setting.key, Setting.value)).all())
    assert (values["threshold_on_track"], values["threshold_at_risk"]) == stored
    assert f'name="on_track" required type="text" value="{shown[0]}"' in page
    assert f'name="at_risk" required type="text" value="{shown[1]}"' in page


@pytest.mark.parametrize("role", ["facilitator", "buyer", "contractor"])
def test_only_administrators_see_or_change_the_thresholds(app, world, db_session, role):
    client = app.test_client()
    login(client, getattr(world, role))
    token = csrf_token(client, "/")

    assert client.get(PAGE).status_code == 403
    response = client.post(PAGE, data={"on_track": "0,5", "at_risk": "0,2", "csrf_token": token})
    assert response.status_code == 403
    assert db_session.scalars(sa.select(Setting)).all() == []
