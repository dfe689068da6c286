"""Signing in and out, CSRF, the language switch, each role's home page."""

import pytest

from clauses.access import policy
from clauses.models import AuditLog, Role
from tests.conftest import PASSWORD, csrf_token, login


def test_login_page_is_french_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "Se connecter" in page.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("role", "title"),
    [
        ("admin", "Équipe clauses"),
        ("facilitator", "Équipe clauses"),
        ("buyer", "Marchés — Département de test"),
        ("contractor", "Mes marchés — Bâtiments Test SAS"),
    ],
)
def test_each_role_lands_on_its_home_page(client, world, role, title):
    user = getattr(world, role)
    login(client, user)
    page = client.get("/")
    assert page.status_code == 200
    assert title in page.get_data(as_text=True)


def test_wrong_password_is_refused_and_audited(client, world, db_session):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": world.buyer.email, "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)
    assert db_session.query(AuditLog).filter_by(action="login_failed").count() == 1
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(client, world, db_session):
    world.buyer.is_active = False
    db_session.commit()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": world.buyer.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_login_records_last_login_and_audit(client, world, db_session):
    login(client, world.facilitator)
    db_session.refresh(world.facilitator)
    assert world.facilitator.last_login_at is not None
    event = db_session.query(AuditLog).filter_by(action="login").one()
    assert event.user_id == world.facilitator.id


def test_post_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"email": world.buyer.email, "password": PASSWORD})
    assert response.status_code == 400


def test_logout_needs_a_post_and_signs_out(client, world):
    login(client, world.contractor)
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_login_ignores_an_outside_next(client, world):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": world.buyer.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_language_switch_to_english_and_back(client):
    token = csrf_token(client, "/login")
    client.post("/language", data={"lang": "en", "next": "/login", "csrf_token": token})
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"lang": "fr", "next": "/login", "csrf_token": token})
    assert "Se connecter" in client.get("/login").get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client, world):
    login(client, world.facilitator)
    page = client.get("/nowhere")
    assert page.status_code == 404
    assert "Page introuvable" in page.get_data(as_text=True)


def test_every_role_has_a_home_template(app):
    for role in Role:
        home = policy.home(policy.Actor(role, organisation_id=1))
        assert app.jinja_env.get_template(f"dashboard/{home.value}.html")


def test_french_is_the_default_whatever_the_browser_prefers(client, world):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Se connecter" in page.get_data(as_text=True)
    login(client, world.buyer)
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in home


def test_the_language_chosen_is_kept_on_the_account(app, world, db_session):
    first = app.test_client()
    login(first, world.buyer)
    first.post("/language", data={"lang": "en", "next": "/", "csrf_token": csrf_token(first, "/")})
    assert world.buyer.locale == "en"
    first.post("/logout", data={"csrf_token": csrf_token(first, "/")})

    # Another browser, nothing in its session: the account remembers the choice.
    second = app.test_client()
    assert "Se connecter" in second.get("/login").get_data(as_text=True)
    login(second, world.buyer)
    assert '<html lang="en">' in second.get("/").get_data(as_text=True)


def test_a_choice_before_signing_in_is_kept_in_the_session_only(client, world):
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/login")})
    login(client, world.contractor)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert world.contractor.locale is None


def test_an_unknown_language_changes_nothing(client, world):
    login(client, world.buyer)
    client.post("/language", data={"lang": "de", "csrf_token": csrf_token(client, "/")})
    assert world.buyer.locale is None
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)
