"""The administration: accounts, organisations and the audit log, for administrators only."""

import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clauses.errors import OrganisationMismatch, WeakPassword
from clauses.extensions import db
from clauses.models import AuditLog, Organisation, OrganisationKind, Role, User
from clauses.services import accounts
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import OrganisationFactory, UserFactory

NEW_PASSWORD = "un tout nouveau mot de passe"


@pytest.fixture
def admin(client, world):
    """The test client, signed in as the world's administrator."""
    login(client, world.admin)
    return client


def post(client, path, data=None, follow=False):
    """A form sent like a browser sends it, with the page's CSRF token."""
    token = csrf_token(client, "/admin/users")
    return client.post(path, data={**(data or {}), "csrf_token": token}, follow_redirects=follow)


def text(response):
    return response.get_data(as_text=True)


def table_of(response):
    """The rows of the page's table, without the filters and messages around it."""
    return text(response).split("<tbody>")[1].split("</tbody>")[0]


def shown_password(response):
    shown = re.search(r'data-testid="new-password">([^<]+)</code>', text(response))
    assert shown, text(response)[:2000]
    return shown.group(1)


def events(db_session, action=None, object_type="user"):
    stmt = sa.select(AuditLog).where(AuditLog.object_type == object_type).order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return db_session.scalars(stmt).all()


def can_sign_in(app, email, password):
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    return response.status_code == 302


# Access: every page and action is for administrators only.


def _paths(world):
    user, org = world.buyer.id, world.buyer.organisation_id
    return {
        "GET": [
            "/admin/",
            "/admin/users",
            "/admin/users/new",
            f"/admin/users/{user}",
            f"/admin/users/{user}/password",
            "/admin/organisations",
            "/admin/organisations/new",
            f"/admin/organisations/{org}",
            "/admin/audit",
        ],
        "POST": [
            "/admin/users/new",
            f"/admin/users/{user}",
            f"/admin/users/{user}/deactivate",
            f"/admin/users/{user}/reactivate",
            f"/admin/users/{user}/password",
            "/admin/organisations/new",
            f"/admin/organisations/{org}",
        ],
    }


@pytest.mark.parametrize("role", ["facilitator", "buyer", "contractor"])
def test_other_roles_get_403_everywhere(client, world, role):
    login(client, getattr(world, role))
    token = csrf_token(client, "/admin/users")
    paths = _paths(world)
    for path in paths["GET"]:
        assert client.get(path).status_code == 403, path
    for path in paths["POST"]:
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    assert world.buyer.is_active


def test_anonymous_visitors_are_sent_to_login(client, world):
    token = csrf_token(client, "/login")
    paths = _paths(world)
    for path in paths["GET"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    for path in paths["POST"]:
        response = client.post(path, data={"csrf_token": token})
        assert response.headers["Location"].startswith("/login"), path


def test_admin_opens_every_page(admin, world):
    for path in _paths(world)["GET"]:
        assert admin.get(path, follow_redirects=True).status_code == 200, path


def test_a_post_without_csrf_token_is_refused(admin, world):
    response = admin.post(f"/admin/users/{world.buyer.id}/deactivate")
    assert response.status_code == 400
    assert world.buyer.is_active


# The users list.


def test_users_list_searches_email_name_and_organisation(admin, world):
    page = text(admin.get("/admin/users?q=bâtiments+test"))
    assert "contractor@example.fr" in page
    assert "buyer@example.fr" not in page
    page = text(admin.get("/admin/users?q=BUYER@"))
    assert "buyer@example.fr" in page
    assert "contractor@example.fr" not in page
    world.facilitator.full_name = "Zoé Lambert"
    db.session.commit()
    assert "facilitator@example.fr" in text(admin.get("/admin/users?q=lambert"))


def test_users_list_filters_by_role_and_state(admin, world, db_session):
    world.other_buyer.is_active = False
    db_session.commit()
    page = text(admin.get("/admin/users?role=buyer"))
    assert "buyer@example.fr" in page
    assert world.other_buyer.email in page
    assert "facilitator@example.fr" not in page
    page = text(admin.get("/admin/users?role=buyer&active=yes"))
    assert world.other_buyer.email not in page
    page = text(admin.get("/admin/users?active=no"))
    assert world.other_buyer.email in page
    assert "buyer@example.fr" not in page
    assert "Désactivé" in page
    # An unknown filter value filters nothing, rather than failing.
    assert admin.get("/admin/users?role=king&active=maybe").status_code == 200


def test_users_list_sorts_and_pages(admin, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    page = text(admin.get("/admin/users?sort=email&order=desc"))
    emails = re.findall(r'/admin/users/\d+">([^<]+)</a>', page)
    assert len(emails) == 2
    assert emails == sorted(emails, reverse=True)
    last = text(admin.get("/admin/users?sort=email&order=desc&page=3"))
    emails = re.findall(r'/admin/users/\d+">([^<]+)</a>', last)
    assert emails == ["buyer@example.fr", "admin@example.fr"]
    assert 'aria-sort="descending"' in page


def test_users_list_queries_do_not_grow_with_the_rows(admin, world, count_queries):
    counts = []
    for more in (1, 6):
        for _ in range(more):
            UserFactory(role=Role.CONTRACTOR, organisation=OrganisationFactory())
        with count_queries() as statements:
            assert admin.get("/admin/users").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# Creating an account.


def _new_user(world, **overrides):
    data = {
        "email": "Nouvelle@Example.fr",
        "full_name": "Nadia Benali",
        "role": "buyer",
        "organisation_id": str(world.buyer.organisation_id),
        "password": NEW_PASSWORD,
    }
    return {**data, **overrides}


def test_admin_creates_an_account_that_can_sign_in(admin, world, app, db_session):
    response = post(admin, "/admin/users/new", _new_user(world))
    assert response.status_code == 302
    user = db_session.scalars(sa.select(User).where(User.email == "nouvelle@example.fr")).one()
    assert (user.role, user.organisation_id, user.full_name, user.is_active) == (
        Role.BUYER,
        world.buyer.organisation_id,
        "Nadia Benali",
        True,
    )
    assert "Le compte nouvelle@example.fr est créé" in text(admin.get("/admin/users"))
    assert can_sign_in(app, "nouvelle@example.fr", NEW_PASSWORD)
    (event,) = events(db_session, "create")
    assert event.user_id == world.admin.id
    assert event.object_id == str(user.id)
    assert event.details == {
        "after": {
            "email": "nouvelle@example.fr",
            "full_name": "Nadia Benali",
            "role": "buyer",
            "organisation": "Département de test",
            "is_active": True,
        },
        "password_generated": False,
    }


def test_a_generated_password_is_shown_once(admin, world, app, db_session):
    response = post(admin, "/admin/users/new", _new_user(world, password=""))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_password(response)
    assert len(password) >= accounts.MIN_PASSWORD_LENGTH
    assert can_sign_in(app, "nouvelle@example.fr", password)
    user = db_session.scalars(sa.select(User).where(User.email == "nouvelle@example.fr")).one()
    assert password not in text(admin.get(f"/admin/users/{user.id}"))
    (event,) = events(db_session, "create")
    assert event.details["password_generated"] is True


def test_a_contractor_may_belong_to_an_siae(admin, world, db_session):
    siae = OrganisationFactory(name="Régie de quartier", kind=OrganisationKind.SIAE)
    data = _new_user(world, role="contractor", organisation_id=str(siae.id))
    assert post(admin, "/admin/users/new", data).status_code == 302
    assert db_session.scalars(sa.select(User).filter_by(organisation_id=siae.id)).one()


def test_facilitators_need_no_organisation(admin, world, db_session):
    data = _new_user(world, role="facilitator", organisation_id="")
    assert post(admin, "/admin/users/new", data).status_code == 302
    user = db_session.scalars(sa.select(User).where(User.email == "nouvelle@example.fr")).one()
    assert user.organisation_id is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "BUYER@example.fr"}, "Un compte utilise déjà cette adresse e-mail."),
        ({"password": "court"}, "Le mot de passe doit comporter au moins 10 caractères."),
        ({"organisation_id": ""}, "Un compte acheteur a besoin"),
        ({"role": "contractor", "organisation_id": ""}, "Un compte entreprise titulaire a besoin"),
        ({"email": "pas-une-adresse"}, "Adresse électronique non valide."),
        ({"organisation_id": "999999"}, "un choix valide"),
    ],
)
def test_account_creation_errors_are_shown_on_the_form(
    admin, world, db_session, overrides, message
):
    before = db_session.scalar(sa.select(sa.func.count()).select_from(User))
    response = post(admin, "/admin/users/new", _new_user(world, **overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert "is-invalid" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == before
    assert events(db_session, "create") == []


@pytest.mark.parametrize(
    ("role", "organisation", "message"),
    [
        ("buyer", "contractor", "Un compte acheteur doit appartenir à une organisation acheteuse."),
        ("contractor", "buyer", "Un compte entreprise titulaire doit appartenir à une entreprise"),
    ],
)
def test_the_organisation_kind_must_fit_the_role(
    admin, world, db_session, role, organisation, message
):
    org_id = getattr(world, organisation).organisation_id
    data = _new_user(world, role=role, organisation_id=str(org_id))
    response = post(admin, "/admin/users/new", data)
    assert response.status_code == 200
    assert message in text(response)
    assert db_session.scalars(sa.select(User).filter_by(email="nouvelle@example.fr")).all() == []


# Editing, deactivating, resetting a password.


def _edit(user, **overrides):
    data = {
        "full_name": user.full_name,
        "role": user.role.value,
        "organisation_id": str(user.organisation_id or ""),
        "is_active": "y" if user.is_active else "",
    }
    # An unchecked box is not sent at all.
    return {k: v for k, v in {**data, **overrides}.items() if k != "is_active" or v}


def test_admin_edits_an_account_and_the_change_is_audited(admin, world, db_session):
    other_org = world.other_buyer.organisation_id
    data = _edit(world.buyer, full_name="Paul Martin", organisation_id=str(other_org))
    response = post(admin, f"/admin/users/{world.buyer.id}", data)
    assert response.status_code == 302
    db_session.refresh(world.buyer)
    assert (world.buyer.full_name, world.buyer.organisation_id) == ("Paul Martin", other_org)
    (event,) = events(db_session, "update")
    assert event.details["after"] == {"full_name": "Paul Martin", "organisation": "Ville de test"}
    assert event.details["before"]["organisation"] == "Département de test"
    assert set(event.details["before"]) == {"full_name", "organisation"}


def test_an_unchanged_form_writes_no_audit_event(admin, world, db_session):
    response = post(admin, f"/admin/users/{world.buyer.id}", _edit(world.buyer), follow=True)
    assert "Aucune modification." in text(response)
    assert events(db_session, "update") == []


def test_editing_keeps_the_organisation_rules(admin, world, db_session):
    data = _edit(world.buyer, role="contractor")
    response = post(admin, f"/admin/users/{world.buyer.id}", data)
    assert "Un compte entreprise titulaire doit appartenir" in text(response)
    db_session.refresh(world.buyer)
    assert world.buyer.role is Role.BUYER


def test_an_admin_cannot_remove_their_own_admin_role(admin, world, db_session):
    response = post(admin, f"/admin/users/{world.admin.id}", _edit(world.admin, role="facilitator"))
    assert response.status_code == 200
    assert "Vous ne pouvez pas retirer votre propre rôle" in text(response)
    db_session.refresh(world.admin)
    assert world.admin.role is Role.ADMIN
    assert events(db_session, "update") == []


def test_an_admin_cannot_uncheck_their_own_active_flag(admin, world, db_session):
    response = post(admin, f"/admin/users/{world.admin.id}", _edit(world.admin, is_active=""))
    assert "Vous ne pouvez pas désactiver votre propre compte" in text(response)
    db_session.refresh(world.admin)
    assert world.admin.is_active


def test_an_admin_cannot_deactivate_themself(admin, world, db_session):
    response = post(admin, f"/admin/users/{world.admin.id}/deactivate", follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte" in text(response)
    db_session.refresh(world.admin)
    assert world.admin.is_active
    assert events(db_session, "deactivate") == []


def test_a_deactivated_user_can_no_longer_sign_in(admin, world, app, db_session):
    buyer = app.test_client()
    login(buyer, world.buyer)
    assert buyer.get("/admin/users").status_code == 403
    response = post(admin, f"/admin/users/{world.buyer.id}/deactivate", follow=True)
    assert "buyer@example.fr ne peut plus se connecter." in text(response)
    db_session.refresh(world.buyer)
    assert not world.buyer.is_active
    # The open session ends at the next click, and signing in again is refused.
    assert buyer.get("/admin/users").headers["Location"].startswith("/login")
    assert not can_sign_in(app, "buyer@example.fr", PASSWORD)
    (event,) = events(db_session, "deactivate")
    assert event.details == {"before": {"is_active": True}, "after": {"is_active": False}}
    assert event.user_id == world.admin.id


def test_a_reactivated_user_can_sign_in_again(admin, world, app, db_session):
    world.buyer.is_active = False
    db_session.commit()
    response = post(admin, f"/admin/users/{world.buyer.id}/reactivate", follow=True)
    assert "buyer@example.fr peut de nouveau se connecter." in text(response)
    assert can_sign_in(app, "buyer@example.fr", PASSWORD)
    (event,) = events(db_session, "reactivate")
    assert event.details["after"] == {"is_active": True}


def test_admin_sets_a_new_password(admin, world, app, db_session):
    path = f"/admin/users/{world.contractor.id}/password"
    response = post(admin, path, {"password": NEW_PASSWORD}, follow=True)
    assert "Le mot de passe de contractor@example.fr est changé." in text(response)
    assert can_sign_in(app, "contractor@example.fr", NEW_PASSWORD)
    assert not can_sign_in(app, "contractor@example.fr", PASSWORD)
    (event,) = events(db_session, "reset_password")
    assert event.details == {"password_generated": False}


def test_a_weak_new_password_is_refused(admin, world, app, db_session):
    response = post(admin, f"/admin/users/{world.contractor.id}/password", {"password": "abc"})
    assert "au moins 10 caractères" in text(response)
    assert can_sign_in(app, "contractor@example.fr", PASSWORD)
    assert events(db_session, "reset_password") == []


def test_a_new_password_may_be_generated(admin, world, app):
    response = post(admin, f"/admin/users/{world.contractor.id}/password", {"password": ""})
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_password(response)
    assert can_sign_in(app, "contractor@example.fr", password)


def test_no_audit_event_ever_holds_a_password(admin, world, db_session):
    post(admin, "/admin/users/new", _new_user(world))
    post(admin, f"/admin/users/{world.buyer.id}/password", {"password": NEW_PASSWORD})
    generated = [
        shown_password(
            post(admin, "/admin/users/new", _new_user(world, email="b@ex.fr", password=""))
        ),
        shown_password(post(admin, f"/admin/users/{world.buyer.id}/password", {"password": ""})),
    ]
    written = json.dumps([e.details for e in db_session.scalars(sa.select(AuditLog))])
    for password in [NEW_PASSWORD, *generated]:
        assert password not in written
    for user in db_session.scalars(sa.select(User)):
        assert user.password_hash not in written
    assert "hash" not in written


def test_unknown_accounts_are_404(admin):
    assert admin.get("/admin/users/999999").status_code == 404
    assert post(admin, "/admin/users/999999/deactivate").status_code == 404


# Organisations.


def _organisation(**overrides):
    data = {
        "name": "Bâtir Ensemble SCOP",
        "siret": "732 829 320 00074",
        "kind": "contractor",
        "email": "Contact@Batir.fr",
    }
    return {**data, **overrides}


def test_admin_creates_an_organisation_with_a_siret(admin, world, db_session):
    response = post(admin, "/admin/organisations/new", _organisation())
    assert response.status_code == 302
    org = db_session.scalars(sa.select(Organisation).filter_by(name="Bâtir Ensemble SCOP")).one()
    assert (org.siret, org.kind, org.email) == (
        "73282932000074",
        OrganisationKind.CONTRACTOR,
        "contact@batir.fr",
    )
    (event,) = events(db_session, "create", "organisation")
    assert event.details["after"]["siret"] == "73282932000074"
    page = text(admin.get("/admin/organisations?q=batir"))
    assert "732 829 320 00074" in page


def test_the_siret_is_optional_and_la_poste_is_valid(admin, world, db_session):
    assert post(admin, "/admin/organisations/new", _organisation(siret="")).status_code == 302
    data = _organisation(name="La Poste", siret="35600000049837", kind="buyer")
    assert post(admin, "/admin/organisations/new", data).status_code == 302
    assert db_session.scalars(sa.select(Organisation).filter_by(name="La Poste")).one().siret


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Un SIRET comporte 14 chiffres."),
        ("73282932000075", "Les chiffres de contrôle de ce SIRET sont faux"),
        ("7328293200007A", "Un SIRET ne comporte que 14 chiffres."),
    ],
)
def test_an_invalid_siret_is_a_form_error(admin, world, db_session, siret, message):
    response = post(admin, "/admin/organisations/new", _organisation(siret=siret))
    assert response.status_code == 200
    assert message in text(response)
    assert 'id="siret"' in text(response)
    assert (
        db_session.scalars(sa.select(Organisation).filter_by(email="contact@batir.fr")).all() == []
    )
    assert events(db_session, object_type="organisation") == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "bâtiments test sas"}, "Une organisation porte déjà ce nom."),
        ({"siret": "55210055400013"}, "Une organisation a déjà ce SIRET."),
    ],
)
def test_organisations_are_unique_by_name_and_siret(admin, world, db_session, overrides, message):
    OrganisationFactory(name="Existante", siret="55210055400013")
    response = post(admin, "/admin/organisations/new", _organisation(**overrides))
    assert message in text(response)
    assert events(db_session, object_type="organisation") == []


def test_admin_edits_an_organisation(admin, world, db_session):
    org = world.contractor.organisation
    data = _organisation(name=org.name, siret="44306184100047", kind="siae", email="")
    response = post(admin, f"/admin/organisations/{org.id}", data)
    assert response.status_code == 302
    db_session.refresh(org)
    assert (org.siret, org.kind, org.email) == ("44306184100047", OrganisationKind.SIAE, None)
    (event,) = events(db_session, "update", "organisation")
    assert event.details == {
        "fields": ["siret", "kind"],
        "before": {"siret": None, "kind": "contractor"},
        "after": {"siret": "44306184100047", "kind": "siae"},
    }


def test_a_kind_that_no_longer_fits_its_accounts_is_refused(admin, world, db_session):
    org = world.buyer.organisation
    data = _organisation(name=org.name, siret="", kind="contractor", email="")
    response = post(admin, f"/admin/organisations/{org.id}", data)
    assert "Les comptes de cette organisation" in text(response)
    db_session.refresh(org)
    assert org.kind is OrganisationKind.BUYER


def test_organisations_list_filters_by_kind(admin, world):
    page = text(admin.get("/admin/organisations?kind=buyer"))
    assert "Département de test" in page
    assert "Bâtiments Test SAS" not in page


# The audit log page.


def _event(db_session, at, action, user=None, **details):
    db_session.add(
        AuditLog(
            at=at,
            user_id=user.id if user else None,
            action=action,
            object_type="contract",
            object_id="7",
            details=details,
        )
    )
    db_session.commit()


def test_audit_log_lists_newest_first_in_french(admin, world, db_session):
    _event(db_session, datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC), "update", world.facilitator)
    _event(db_session, datetime(2024, 3, 6, 9, 0, tzinfo=UTC), "delete", None, reference="Été")
    page = text(admin.get("/admin/audit?object_type=contract"))
    assert "5 mars 2024, 15:07:09" in page  # Paris time
    assert page.index("6 mars 2024") < page.index("5 mars 2024")
    assert "facilitator@example.fr" in page
    assert "aucun compte" in page
    assert "Été" in page


def test_audit_log_filters_by_action_object_and_user(admin, world, db_session):
    _event(db_session, datetime(2024, 3, 5, tzinfo=UTC), "export", world.facilitator)
    _event(db_session, datetime(2024, 3, 6, tzinfo=UTC), "export", world.buyer)
    post(admin, f"/admin/users/{world.buyer.id}/deactivate")
    rows = table_of(admin.get(f"/admin/audit?action=export&user={world.facilitator.id}"))
    assert "facilitator@example.fr" in rows
    assert "buyer@example.fr" not in rows
    rows = table_of(admin.get("/admin/audit?object_type=user&action=deactivate"))
    assert "désactivation" in rows
    assert "export" not in rows
    rows = table_of(admin.get("/admin/audit?user=none&object_type=contract"))
    assert "Aucun évènement ne correspond." in rows


def test_audit_log_pages(admin, world, db_session, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for day in range(1, 6):
        _event(db_session, datetime(2024, 3, day, 12, tzinfo=UTC), "export", world.facilitator)
    page = text(admin.get("/admin/audit?action=export&page=3"))
    assert "1 mars 2024" in page
    assert "2 mars 2024" not in page


# The services, as the command line uses them (no request: messages as written).


def test_organisation_rule_messages_outside_a_request(world):
    with pytest.raises(OrganisationMismatch, match="must belong to a buying organisation"):
        accounts.check_organisation(Role.BUYER, world.contractor.organisation)


def test_weak_password_message_outside_a_request():
    with pytest.raises(WeakPassword, match="at least 10 characters") as caught:
        accounts.check_password_strength("short")
    assert caught.value.field == "password"
