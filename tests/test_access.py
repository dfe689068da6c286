"""Who may see what, for every route: one table of (endpoint, role) → status, checked over the
real app; plus what must never show up in a page (names for buyers, eligibility for contractors).
A route added without a line here fails test_every_route_is_in_the_table."""

import inspect

import pytest
import sqlalchemy as sa
from flask import url_for

from clauses.access import policy
from clauses.access.web import TEMPLATE_PERMISSIONS
from clauses.extensions import db
from clauses.models import OrganisationKind, Participant, PlacementState, Role
from clauses.views.navigation import NAV
from tests.conftest import csrf_token, login
from tests.factories import JobOfferFactory, PlacementFactory

ROLES = ("admin", "facilitator", "buyer", "contractor")
ANONYMOUS = "anonymous"
TEAM_ONLY = {"admin": 200, "facilitator": 200, "buyer": 403, "contractor": 403}
ADMIN_ONLY = {"admin": 200, "facilitator": 403, "buyer": 403, "contractor": 403}
EVERYONE = dict.fromkeys(ROLES, 200)
UPLOADERS = {"admin": 200, "facilitator": 200, "buyer": 403, "contractor": 200}


def batch_of(world, contract):
    return next(e.batch_id for e in contract.hour_entries)


def placement_on(world, contract):
    """A proposal of the world's person to the contract (made when the path is asked)."""
    return PlacementFactory(participant=world.participant, contract=contract).id


def offer_on(world, contract):
    return JobOfferFactory(contract=contract).id


def proposals(w):
    """One proposal on each contract of the world, made once."""
    if not hasattr(w, "proposals"):
        w.proposals = (
            PlacementFactory(participant=w.participant, contract=w.contract),
            PlacementFactory(participant=w.stranger, contract=w.other_contract),
        )
    return w.proposals


def offers(w):
    """One job offer on each contract of the world, made once."""
    if not hasattr(w, "offers"):
        w.offers = (
            JobOfferFactory(contract=w.contract),
            JobOfferFactory(contract=w.other_contract),
        )
    return w.offers


# (endpoint, path from the world, expected status per role) for every GET page. Signed-out
# visitors are sent to the login page, unless ANONYMOUS says otherwise.
PAGES = [
    ("dashboard.home", lambda w: "/", EVERYONE),
    (
        "dashboard.export",
        lambda w: "/export?format=csv",
        {"admin": 200, "facilitator": 200, "buyer": 200, "contractor": 403},
    ),
    ("contracts.index", lambda w: "/contracts/", EVERYONE),
    ("contracts.detail", lambda w: f"/contracts/{w.contract.id}", EVERYONE),
    (
        "contracts.detail",
        lambda w: f"/contracts/{w.other_contract.id}",
        {"admin": 200, "facilitator": 200, "buyer": 404, "contractor": 404},
    ),
    ("contracts.new", lambda w: "/contracts/new", TEAM_ONLY),
    ("contracts.import_file", lambda w: "/contracts/import", TEAM_ONLY),
    ("participants.import_file", lambda w: "/participants/import", TEAM_ONLY),
    ("contracts.edit", lambda w: f"/contracts/{w.contract.id}/edit", TEAM_ONLY),
    ("participants.index", lambda w: "/participants/", UPLOADERS),
    ("participants.detail", lambda w: f"/participants/{w.participant.id}", UPLOADERS),
    (
        "participants.detail",
        lambda w: f"/participants/{w.stranger.id}",
        {"admin": 200, "facilitator": 200, "buyer": 403, "contractor": 404},
    ),
    ("participants.new", lambda w: "/participants/new", TEAM_ONLY),
    ("participants.edit", lambda w: f"/participants/{w.participant.id}/edit", TEAM_ONLY),
    ("imports.index", lambda w: "/imports/", UPLOADERS),
    ("imports.new", lambda w: "/imports/new", UPLOADERS),
    ("imports.template", lambda w: "/imports/template.xlsx", UPLOADERS),
    (
        "imports.preview",
        lambda w: "/imports/preview/" + "x" * 32,
        {"admin": 404, "facilitator": 404, "buyer": 403, "contractor": 404},
    ),
    ("imports.detail", lambda w: f"/imports/{batch_of(w, w.contract)}", UPLOADERS),
    ("imports.download", lambda w: f"/imports/{batch_of(w, w.contract)}/file", UPLOADERS),
    ("imports.rejected", lambda w: f"/imports/{batch_of(w, w.contract)}/rejected.xlsx", UPLOADERS),
    (
        "imports.detail",
        lambda w: f"/imports/{batch_of(w, w.other_contract)}",
        {"admin": 200, "facilitator": 200, "buyer": 403, "contractor": 404},
    ),
    (
        "admin.index",
        lambda w: "/admin/",
        {"admin": 302, "facilitator": 403, "buyer": 403, "contractor": 403},
    ),
    ("admin.users", lambda w: "/admin/users", ADMIN_ONLY),
    ("admin.new_user", lambda w: "/admin/users/new", ADMIN_ONLY),
    ("admin.edit_user", lambda w: f"/admin/users/{w.buyer.id}", ADMIN_ONLY),
    ("admin.reset_password", lambda w: f"/admin/users/{w.buyer.id}/password", ADMIN_ONLY),
    ("admin.organisations", lambda w: "/admin/organisations", ADMIN_ONLY),
    ("admin.new_organisation", lambda w: "/admin/organisations/new", ADMIN_ONLY),
    (
        "admin.edit_organisation",
        lambda w: f"/admin/organisations/{w.contract.contractor_id}",
        ADMIN_ONLY,
    ),
    ("admin.audit", lambda w: "/admin/audit", ADMIN_ONLY),
    ("admin.thresholds", lambda w: "/admin/thresholds", ADMIN_ONLY),
    ("admin.ranking", lambda w: "/admin/ranking", ADMIN_ONLY),
    ("reminders.index", lambda w: "/reminders/", TEAM_ONLY),
    ("placements.index", lambda w: "/placements/", TEAM_ONLY),
    ("candidates.sites", lambda w: "/where-to-send", TEAM_ONLY),
    ("candidates.contract", lambda w: f"/contracts/{w.contract.id}/candidates", TEAM_ONLY),
    (
        "candidates.contract",
        lambda w: f"/contracts/{w.other_contract.id}/candidates?offer={offers(w)[1].id}",
        TEAM_ONLY,
    ),
    ("placements.new", lambda w: f"/placements/new?participant={w.participant.id}", TEAM_ONLY),
    ("job_offers.index", lambda w: "/job-offers/", TEAM_ONLY),
    ("job_offers.new", lambda w: f"/contracts/{w.contract.id}/job-offers/new", UPLOADERS),
    (
        "job_offers.new",
        lambda w: f"/contracts/{w.other_contract.id}/job-offers/new",
        {"admin": 200, "facilitator": 200, "buyer": 403, "contractor": 404},
    ),
    ("auth.login", lambda w: "/login", {ANONYMOUS: 200, **dict.fromkeys(ROLES, 302)}),
    ("health.health", lambda w: "/health", {ANONYMOUS: 200, **EVERYONE}),
]

# Every POST, with a valid CSRF token and an empty form: what each role gets. The right roles
# get a redirect, the form again (200) or a validation error (400); the others 403 or 404, and
# the database unchanged. Signed-out visitors are sent to the login page (LOGIN).
LOGIN = "login"
TEAM_POST = {ANONYMOUS: LOGIN, "admin": 200, "facilitator": 200, "buyer": 403, "contractor": 403}
ADMIN_POST = {ANONYMOUS: LOGIN, "admin": 200, "facilitator": 403, "buyer": 403, "contractor": 403}
SAVED_UNCHANGED = {**ADMIN_POST, "admin": 302}
POSTS = [
    (
        "auth.login",
        lambda w: "/login",
        {ANONYMOUS: 200, **dict.fromkeys(ROLES, 302)},  # signed in already: to the home page
    ),
    ("auth.logout", lambda w: "/logout", {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 302)}),
    (
        "auth.logout_everywhere",
        lambda w: "/logout/everywhere",
        {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 302)},
    ),
    ("auth.language", lambda w: "/language", {ANONYMOUS: 302, **dict.fromkeys(ROLES, 302)}),
    ("contracts.new", lambda w: "/contracts/new", TEAM_POST),
    ("contracts.edit", lambda w: f"/contracts/{w.contract.id}/edit", TEAM_POST),
    ("contracts.import_file", lambda w: "/contracts/import", TEAM_POST),
    (
        "contracts.no_hours",
        lambda w: f"/contracts/{w.contract.id}/no-hours",
        {ANONYMOUS: LOGIN, "admin": 400, "facilitator": 400, "buyer": 403, "contractor": 400},
    ),
    (
        "contracts.no_hours",
        lambda w: f"/contracts/{w.other_contract.id}/no-hours",
        {ANONYMOUS: LOGIN, "admin": 400, "facilitator": 400, "buyer": 403, "contractor": 404},
    ),
    ("participants.new", lambda w: "/participants/new", TEAM_POST),
    ("participants.edit", lambda w: f"/participants/{w.participant.id}/edit", TEAM_POST),
    ("participants.import_file", lambda w: "/participants/import", TEAM_POST),
    (
        "participants.eligibility",
        lambda w: f"/participants/{w.participant.id}/eligibility",
        {**TEAM_POST, "admin": 302, "facilitator": 302},
    ),
    ("imports.new", lambda w: "/imports/new", {**TEAM_POST, "contractor": 200}),
    (
        "imports.confirm",
        lambda w: "/imports/preview/" + "x" * 32 + "/confirm",
        {ANONYMOUS: LOGIN, "admin": 404, "facilitator": 404, "buyer": 403, "contractor": 404},
    ),
    (
        "imports.cancel",
        lambda w: "/imports/preview/" + "x" * 32 + "/cancel",
        {ANONYMOUS: LOGIN, "admin": 404, "facilitator": 404, "buyer": 403, "contractor": 404},
    ),
    (
        "imports.rollback",
        lambda w: f"/imports/{batch_of(w, w.contract)}/rollback",
        # The administrator rolls it back; then it is rolled back already.
        {**TEAM_POST, "admin": 302, "facilitator": 400},
    ),
    (
        "reminders.send",
        lambda w: "/reminders/send",
        {**TEAM_POST, "admin": 302, "facilitator": 302},
    ),
    # A proposal needs a person and a contract: an empty form is a bad request.
    (
        "placements.propose",
        lambda w: "/placements/propose",
        {**TEAM_POST, "admin": 400, "facilitator": 400},
    ),
    # A move without its date: said, and back to the contract (its contractor answers too).
    (
        "placements.move",
        lambda w: f"/placements/{placement_on(w, w.contract)}/interview",
        {**TEAM_POST, "admin": 302, "facilitator": 302, "contractor": 302},
    ),
    (
        "placements.move",
        lambda w: f"/placements/{placement_on(w, w.other_contract)}/hired",
        {**TEAM_POST, "admin": 302, "facilitator": 302, "contractor": 404},
    ),
    # Withdrawing is the clause team's move, not a contractor's answer.
    (
        "placements.move",
        lambda w: f"/placements/{placement_on(w, w.contract)}/withdrawn",
        {**TEAM_POST, "admin": 302, "facilitator": 302, "contractor": 403},
    ),
    (
        "job_offers.new",
        lambda w: f"/contracts/{w.contract.id}/job-offers/new",
        {**TEAM_POST, "contractor": 200},
    ),
    (
        "job_offers.new",
        lambda w: f"/contracts/{w.other_contract.id}/job-offers/new",
        {**TEAM_POST, "contractor": 404},
    ),
    # The administrator closes it; then it is closed already (said, back to the contract).
    (
        "job_offers.close",
        lambda w: f"/job-offers/{offer_on(w, w.contract)}/close",
        {**TEAM_POST, "admin": 302, "facilitator": 302, "contractor": 302},
    ),
    (
        "job_offers.close",
        lambda w: f"/job-offers/{offer_on(w, w.other_contract)}/close",
        {**TEAM_POST, "admin": 302, "facilitator": 302, "contractor": 404},
    ),
    ("admin.new_user", lambda w: "/admin/users/new", ADMIN_POST),
    # A form missing from the post keeps the record's values: saved unchanged, back to the list.
    ("admin.edit_user", lambda w: f"/admin/users/{w.other_buyer.id}", SAVED_UNCHANGED),
    (
        "admin.deactivate_user",
        lambda w: f"/admin/users/{w.other_buyer.id}/deactivate",
        {**ADMIN_POST, "admin": 302},
    ),
    (
        "admin.reactivate_user",
        lambda w: f"/admin/users/{w.other_buyer.id}/reactivate",
        {**ADMIN_POST, "admin": 302},
    ),
    ("admin.reset_password", lambda w: f"/admin/users/{w.other_buyer.id}/password", ADMIN_POST),
    ("admin.new_organisation", lambda w: "/admin/organisations/new", ADMIN_POST),
    (
        "admin.edit_organisation",
        lambda w: f"/admin/organisations/{w.contract.contractor_id}",
        SAVED_UNCHANGED,
    ),
    # Both thresholds are required: an empty form is shown again with its errors.
    ("admin.thresholds", lambda w: "/admin/thresholds", ADMIN_POST),
    # The weights and départements are required too.
    ("admin.ranking", lambda w: "/admin/ranking", ADMIN_POST),
]


def test_every_route_is_in_the_table(app):
    """Each (endpoint, method) of the app: GET in PAGES, POST in POSTS."""
    listed = {(endpoint, "GET") for endpoint, _, _ in PAGES}
    listed |= {(endpoint, "POST") for endpoint, _, _ in POSTS} | {("static", "GET")}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - listed == set()


@pytest.mark.parametrize(("endpoint", "path", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_by_role(app, world, endpoint, path, expected):
    url = path(world)
    anonymous = app.test_client().get(url)
    if expected.get(ANONYMOUS, LOGIN) == LOGIN:
        assert anonymous.status_code == 302
        assert "/login" in anonymous.headers["Location"]
    else:
        assert anonymous.status_code == expected[ANONYMOUS]
    for role in ROLES:
        client = app.test_client()
        login(client, getattr(world, role))
        assert (role, client.get(url).status_code) == (role, expected[role])


def signed_in_clients(app, world):
    """A signed-out client and one client per role, each with its CSRF token."""
    clients = {ANONYMOUS: (app.test_client(), "/login")}
    for role in ROLES:
        clients[role] = (app.test_client(), "/")
        login(clients[role][0], getattr(world, role))
    return {who: (client, csrf_token(client, page)) for who, (client, page) in clients.items()}


def database_content(db_session):
    """Every row of every table, to compare before and after a request."""
    return {
        table.name: sorted(map(repr, db_session.execute(sa.select(table))))
        for table in db.metadata.sorted_tables
    }


@pytest.mark.parametrize(("endpoint", "path", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_a_post_without_csrf_token_changes_nothing(
    app, world, db_session, endpoint, path, expected
):
    url = path(world)
    clients = signed_in_clients(app, world)
    before = database_content(db_session)
    for who, (client, _token) in clients.items():
        assert (who, client.post(url, data={}).status_code) == (who, 400)
    assert database_content(db_session) == before


@pytest.mark.parametrize(("endpoint", "path", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_posts_by_role_with_a_csrf_token(app, world, db_session, endpoint, path, expected):
    url = path(world)
    for who, (client, token) in signed_in_clients(app, world).items():
        before = database_content(db_session)
        response = client.post(url, data={"csrf_token": token})
        if expected[who] == LOGIN:
            assert (who, response.status_code) == (who, 302)
            assert "/login" in response.headers["Location"]
        else:
            assert (who, response.status_code) == (who, expected[who])
        if expected[who] in (LOGIN, 403, 404):
            assert database_content(db_session) == before, who


def visible_pages(app, world, role):
    client = app.test_client()
    login(client, getattr(world, role))
    for _, path, expected in PAGES:
        url = path(world)
        if expected[role] == 200 and not url.endswith((".xlsx", "/file")):
            yield url, client.get(url).get_data(as_text=True)


def test_buyers_never_see_a_participant(app, world):
    for url, page in visible_pages(app, world, "buyer"):
        for name in (world.participant.last_name, world.stranger.last_name):
            assert name not in page, url


def test_contractors_never_see_eligibility_nor_others_people(app, world):
    for url, page in visible_pages(app, world, "contractor"):
        for word in ("RQTH", "RSA", "ligibilit", "QPV", world.stranger.last_name):
            assert word not in page, (url, word)


# The policy, permission by permission: (function, arguments after the user, expected per role).
# "own" / "other" are records in / out of the buyer's and the contractor's scopes.

TEAM = {"admin": True, "facilitator": True, "buyer": False, "contractor": False}
S = PlacementState
EVERY_MOVE = frozenset({S.INTERVIEW, S.HIRED, S.ENDED, S.REFUSED, S.WITHDRAWN})
FROM_PROPOSED = frozenset({S.INTERVIEW, S.HIRED, S.REFUSED, S.WITHDRAWN})
ANSWERS = frozenset({S.INTERVIEW, S.HIRED, S.REFUSED})
UPLOADING = {"admin": True, "facilitator": True, "buyer": False, "contractor": True}
BUYING = {"admin": True, "facilitator": True, "buyer": True, "contractor": False}


def own_batch(w):
    return (w.contract.hour_entries[0].batch,)


def other_batch(w):
    return (w.other_contract.hour_entries[0].batch,)


PERMISSIONS = [
    (policy.can_upload, lambda w: (), UPLOADING),
    (policy.can_see_participants, lambda w: (), UPLOADING),
    (policy.sees_personal_data, lambda w: (), TEAM),
    (policy.sees_eligibility_split, lambda w: (), BUYING),
    (policy.sees_true_outcome, lambda w: (), TEAM),
    (policy.lists_buyers, lambda w: (), {**dict.fromkeys(ROLES, True), "buyer": False}),
    (policy.lists_contractors, lambda w: (), {**dict.fromkeys(ROLES, True), "contractor": False}),
    (policy.may_pick_date, lambda w: (), TEAM),
    (policy.can_edit_reference_data, lambda w: (), TEAM),
    (policy.can_declare_no_hours, lambda w: (), UPLOADING),
    (policy.can_roll_back, own_batch, TEAM),
    (policy.can_roll_back, other_batch, TEAM),
    (policy.can_follow_up, lambda w: (), TEAM),
    (policy.can_export, lambda w: (), BUYING),
    (policy.can_send_reminders, lambda w: (), TEAM),
    (policy.can_administer, lambda w: (), {**dict.fromkeys(ROLES, False), "admin": True}),
    (policy.sees_contact_details, lambda w: (), TEAM),
    (policy.can_follow_placements, lambda w: (), TEAM),
    (policy.can_propose, lambda w: (), TEAM),
    (policy.can_see_candidates, lambda w: (), TEAM),
    (policy.sees_placements, lambda w: (), UPLOADING),
    (policy.can_declare_job_offers, lambda w: (), UPLOADING),
    (
        policy.moves_of,
        lambda w: (),
        {"admin": EVERY_MOVE, "facilitator": EVERY_MOVE, "buyer": frozenset()}
        | {"contractor": ANSWERS},
    ),
    (
        policy.placement_moves,
        lambda w: (proposals(w)[0],),
        {"admin": FROM_PROPOSED, "facilitator": FROM_PROPOSED, "buyer": frozenset()}
        | {"contractor": ANSWERS},
    ),
    (
        policy.placement_moves,
        lambda w: (proposals(w)[1],),
        {"admin": FROM_PROPOSED, "facilitator": FROM_PROPOSED, "buyer": frozenset()}
        | {"contractor": frozenset()},
    ),
    (
        policy.can_move_placement,
        lambda w: (proposals(w)[0], S.HIRED),
        UPLOADING,
    ),
    (
        policy.can_move_placement,
        lambda w: (proposals(w)[0], S.WITHDRAWN),
        TEAM,
    ),
    (
        policy.home,
        lambda w: (),
        {"admin": "clause_team", "facilitator": "clause_team", "buyer": "buyer"}
        | {"contractor": "contractor"},
    ),
    (
        policy.scope_key,
        lambda w: (),
        {"admin": "all", "facilitator": "all", "buyer": ("buyer", "org")}
        | {"contractor": ("contractor", "org")},
    ),
    (
        policy.upload_scope,
        lambda w: (),
        {"admin": None, "facilitator": None, "buyer": "org", "contractor": "org"},
    ),
]


def _expected(value, user):
    """ "org" stands for the user's own organisation id."""
    if value == "org":
        return user.organisation_id
    if isinstance(value, tuple):
        return tuple(_expected(part, user) for part in value)
    return value


@pytest.mark.parametrize(
    ("check", "args", "expected"),
    PERMISSIONS,
    ids=[f"{check.__name__}-{i}" for i, (check, _, _) in enumerate(PERMISSIONS)],
)
def test_each_permission_by_role(world, check, args, expected):
    for role in ROLES:
        user = getattr(world, role)
        assert (role, check(user, *args(world))) == (role, _expected(expected[role], user))


# Scopes: what each role's select holds of the world's records.
SCOPES = [
    (
        policy.contracts_of,
        lambda w: {w.contract, w.other_contract},
        {"admin": "all", "facilitator": "all", "buyer": "own", "contractor": "own"},
        lambda w: {w.contract},
    ),
    (
        policy.participants_of,
        lambda w: {w.participant, w.stranger},
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: {w.participant},
    ),
    (
        policy.placements_of,
        lambda w: set(proposals(w)),
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: {proposals(w)[0]},
    ),
    (
        policy.job_offers_of,
        lambda w: set(offers(w)),
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: {offers(w)[0]},
    ),
    (
        policy.batches_of,
        lambda w: set(own_batch(w) + other_batch(w)),
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: set(own_batch(w)),
    ),
    (
        lambda who: policy.contracts_in(policy.upload_scope(who)),
        lambda w: {w.contract, w.other_contract},
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: {w.contract},
    ),
    (
        lambda who: policy.participants_in(policy.upload_scope(who)),
        lambda w: {w.participant, w.stranger},
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: {w.participant},
    ),
    (
        lambda who: sa.select(Participant).where(policy.known_to(policy.upload_scope(who))),
        lambda w: {w.participant, w.stranger},
        {"admin": "all", "facilitator": "all", "buyer": "none", "contractor": "own"},
        lambda w: {w.participant},
    ),
]
# Through the lambdas above.
SCOPED_FUNCTIONS = {policy.contracts_in, policy.participants_in, policy.known_to}


@pytest.mark.parametrize(("scope", "records", "seen", "own"), SCOPES)
def test_each_scope_by_role(db_session, world, scope, records, seen, own):
    for role in ROLES:
        made = records(world)  # before the query: some records are made when first asked
        found = set(db_session.scalars(scope(getattr(world, role)))) & made
        expected = {"all": made, "own": own(world), "none": set()}[seen[role]]
        assert (role, found) == (role, expected)


def test_the_accounts_the_policy_selects(db_session, world):
    def emails(stmt):
        return {u.email for u in db_session.scalars(stmt)} & {
            getattr(world, role).email for role in (*ROLES, "other_buyer", "other_contractor")
        }

    assert emails(policy.follow_up_accounts()) == {world.admin.email, world.facilitator.email}
    assert emails(policy.report_senders()) == {
        world.contractor.email,
        world.other_contractor.email,
    }
    contractor_org = world.contractor.organisation_id
    assert emails(policy.accounts_barring(contractor_org, OrganisationKind.BUYER)) == {
        world.contractor.email
    }
    assert emails(policy.accounts_barring(contractor_org, OrganisationKind.SIAE)) == set()
    assert emails(
        policy.accounts_barring(world.buyer.organisation_id, OrganisationKind.CONTRACTOR)
    ) == {world.buyer.email}


ACCOUNT_RULES = {policy.follow_up_accounts, policy.report_senders, policy.accounts_barring}


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (Role.ADMIN, None),
        (Role.FACILITATOR, None),
        (Role.BUYER, {OrganisationKind.BUYER}),
        (Role.CONTRACTOR, {OrganisationKind.CONTRACTOR, OrganisationKind.SIAE}),
    ],
)
def test_organisation_kinds_by_role(role, kinds):
    assert policy.organisation_kinds(role) == kinds


def test_the_command_line_acts_as_the_clause_team():
    cli = policy.COMMAND_LINE
    assert policy.upload_scope(cli) is None
    assert policy.scope_key(cli) == "all"
    assert policy.home(cli) is policy.Home.CLAUSE_TEAM
    assert policy.can_administer(cli)


def test_every_public_function_of_the_policy_is_in_a_table():
    tabled = {check for check, _, _ in PERMISSIONS} | {scope for scope, *_ in SCOPES}
    tabled |= SCOPED_FUNCTIONS | ACCOUNT_RULES | {policy.organisation_kinds}
    public = {
        function
        for name, function in inspect.getmembers(policy, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == policy.__name__
    }
    assert {f.__name__ for f in public - tabled} == set()


def test_templates_ask_policy_permissions():
    assert set(TEMPLATE_PERMISSIONS.values()) <= {check for check, _, _ in PERMISSIONS}


def test_the_menu_shows_the_pages_each_role_may_open(app, world):
    """The menu and the pages ask the same permissions."""
    with app.test_request_context():
        paths = {item.endpoint: url_for(item.endpoint) for item in NAV}
    for role in ROLES:
        client = app.test_client()
        login(client, getattr(world, role))
        menu = client.get("/").get_data(as_text=True).split("</nav>")[0]
        for endpoint, path in paths.items():
            opens = client.get(path).status_code == 200
            assert (role, endpoint, f'href="{path}"' in menu) == (role, endpoint, opens)
