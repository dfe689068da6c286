"""Numbers too large for the database (issue 13, defect 7): an id in a path is a 404, an id or a
page in a query string is no filter; never a 500, on SQLite as on PostgreSQL."""

import re

import pytest
import sqlalchemy as sa

from clauses.extensions import db
from tests.conftest import another_app, csrf_token, login, page_text

HUGE = "99999999999999999999"  # past PostgreSQL's bigint and SQLite's 64-bit integers
INT4_PAST = str(2**31)  # past PostgreSQL's integer, the type of every id

# Every list page's integer query parameters.
QUERIES = [
    "/?page=",
    "/?buyer=",
    "/?operation=",
    "/?contractor=",
    "/export?format=csv&buyer=",
    "/contracts/?page=",
    "/contracts/?buyer=",
    "/contracts/?operation=",
    "/contracts/?contractor=",
    "/participants/?page=",
    "/participants/?facilitator=",
    "/imports/?page=",
    "/imports/?contractor=",
    "/imports/?contract=",
    "/admin/users?page=",
    "/admin/organisations?page=",
    "/admin/audit?page=",
    "/admin/audit?user=",
]


@pytest.mark.parametrize("number", [HUGE, INT4_PAST, "-" + HUGE])
@pytest.mark.parametrize("query", QUERIES)
def test_a_huge_number_in_a_query_is_no_filter(app, world, query, number):
    client = app.test_client()
    login(client, world.admin)
    response = client.get(query + number)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def paths_with_huge_ids(app):
    """Each rule with an integer in its path, that integer too large, with its methods."""
    for rule in app.url_map.iter_rules():
        numbers = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        if numbers:
            path = re.sub(r"<int:\w+>", HUGE, rule.rule)
            yield rule.endpoint, path, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_integer_route_is_checked(app):
    assert len(list(paths_with_huge_ids(app))) >= 10


@pytest.mark.parametrize("number", [HUGE, INT4_PAST])
def test_a_huge_id_in_a_path_is_not_found(app, world, number):
    client = app.test_client()
    login(client, world.admin)
    token = csrf_token(client, "/")
    for endpoint, path, methods in paths_with_huge_ids(app):
        path = path.replace(HUGE, number)
        for method in methods:
            response = client.open(path, method=method, data={"csrf_token": token})
            assert (endpoint, method, response.status_code) == (endpoint, method, 404)


def test_a_database_error_rolls_back_before_the_error_page(app, world, db_session):
    """On PostgreSQL a failed statement aborts the transaction: the error page, which loads the
    signed-in user, failed as well (InFailedSqlTransaction), and so did every later request on
    the same session, until the error handler rolled back."""
    db_session.commit()  # the world outlives that rollback (the test's transaction still ends)
    with another_app(app.config["DATABASE_URL"], PROPAGATE_EXCEPTIONS=False) as failing:

        @failing.route("/fails")
        def fails() -> str:
            db.session.execute(sa.text("SELECT * FROM no_such_table"))
            return "unreachable"

        client = failing.test_client()
        login(client, world.contractor)
        response = client.get("/fails")
        assert response.status_code == 500
        assert "Une erreur s'est produite de notre côté" in page_text(response)
        assert 'data-testid="who"' in page_text(response)  # the page knew who was signed in
        assert client.get("/").status_code == 200
