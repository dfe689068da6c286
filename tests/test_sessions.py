"""Sessions end for real (issue 13, defect 4): a session cookie or a remember-me cookie copied
before a logout, a password change or an administrator's reset opens nothing afterwards."""

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from clauses.access import web
from clauses.models import AuditLog, Role
from clauses.services import accounts
from tests.conftest import PASSWORD, csrf_token, login, post_form

NEW_PASSWORD = "a brand new passphrase"


def signed_in(app, user, *, remember: bool = False) -> FlaskClient:
    """A browser signed in through the real form, ticking "stay signed in" if asked."""
    client = app.test_client()
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
            **({"remember": "y"} if remember else {}),
        },
    )
    assert response.status_code == 302
    return client


def stolen_cookies(client: FlaskClient) -> dict[str, str]:
    """What an attacker copies out of a browser: its session and remember-me cookies."""
    cookies = {}
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            cookies[name] = cookie.value
    return cookies


def home_with(app, cookies: dict[str, str]) -> int:
    """The status of / for a new browser holding only these cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client.get("/").status_code


def replayed(app, cookies: dict[str, str]) -> dict[str, int]:
    """Each cookie replayed alone, and both together."""
    tries = {name: {name: value} for name, value in cookies.items()}
    return {name: home_with(app, jar) for name, jar in {**tries, "both": cookies}.items()}


REFUSED = {"session": 302, "remember_token": 302, "both": 302}


def test_the_stolen_cookies_open_the_app_while_the_session_lasts(app, world):
    cookies = stolen_cookies(signed_in(app, world.buyer, remember=True))
    assert replayed(app, cookies) == {"session": 200, "remember_token": 200, "both": 200}


def test_cookies_replayed_after_logout_are_refused(app, world):
    browser = signed_in(app, world.buyer, remember=True)
    cookies = stolen_cookies(browser)
    assert browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")}).status_code == 302
    assert replayed(app, cookies) == REFUSED


def test_cookies_replayed_after_the_users_own_password_change_are_refused(app, world):
    other_device = stolen_cookies(signed_in(app, world.admin, remember=True))
    browser = signed_in(app, world.admin)
    response = post_form(
        browser, f"/admin/users/{world.admin.id}/password", {"password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert replayed(app, other_device) == REFUSED
    # The browser that changed it stays signed in; the new password opens the app.
    assert browser.get("/").status_code == 200
    login(app.test_client(), world.admin, NEW_PASSWORD)


def test_cookies_replayed_after_an_admin_resets_the_password_are_refused(app, world):
    cookies = stolen_cookies(signed_in(app, world.contractor, remember=True))
    admin = signed_in(app, world.admin)
    response = post_form(
        admin, f"/admin/users/{world.contractor.id}/password", {"password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert replayed(app, cookies) == REFUSED


def test_a_password_set_on_the_command_line_ends_the_sessions(app, world, db_session):
    cookies = stolen_cookies(signed_in(app, world.facilitator, remember=True))
    accounts.save_user(
        db_session(),
        actor=None,
        email=world.facilitator.email,
        role=Role.FACILITATOR,
        organisation_ref=None,
        password=NEW_PASSWORD,
    )
    db_session.commit()
    assert replayed(app, cookies) == REFUSED


def test_log_out_everywhere_ends_every_session_and_is_audited(app, world, db_session):
    phone = signed_in(app, world.buyer, remember=True)
    laptop = signed_in(app, world.buyer)
    page = laptop.get("/").get_data(as_text=True)
    assert 'action="/logout/everywhere"' in page
    assert "Fermer toutes mes sessions" in page
    response = post_form(laptop, "/logout/everywhere", {})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert replayed(app, stolen_cookies(phone)) == REFUSED
    event = db_session.query(AuditLog).filter_by(action="logout_everywhere").one()
    assert (event.user_id, event.object_id) == (world.buyer.id, str(world.buyer.id))


def test_login_starts_a_new_session_keeping_only_the_language(client, world):
    # A value planted in the session before signing in (session fixation) does not survive it;
    # the language chosen before signing in does.
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/login")})
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
        token_before = before["csrf_token"]
    login(client, world.contractor)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != token_before
        assert after["lang"] == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_remember_me_lasts_thirty_days(app, world):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    browser = signed_in(app, world.buyer, remember=True)
    cookie = browser.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.expires is not None
    lasts = cookie.expires - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < lasts <= timedelta(days=30)


def test_an_id_without_its_token_loads_nobody(app, world):
    user = world.buyer
    assert user.get_id() == f"{user.id}:{user.session_token}"
    assert web.load_user(user.get_id()) == user
    for refused in (str(user.id), f"{user.id}:", f"{user.id}:wrong", "x:y", "", ":"):
        assert web.load_user(refused) is None, refused


def test_every_account_gets_its_own_token(world):
    tokens = {getattr(world, role).session_token for role in ("admin", "buyer", "contractor")}
    assert len(tokens) == 3
    assert all(len(token) >= 40 for token in tokens)
