"""How the code may depend on itself (STYLE.md), read from the source, since no behaviour test
notices a broken layer: services and rules without Flask, roles known only to the access
policy, shared form fields in one module, no route path written by hand in a service."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def python_modules() -> dict[str, Path]:
    """Every module of clauses/ and imports/, by dotted name (a package by its own name)."""
    found = {}
    for package in ("clauses", "imports"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = python_modules()


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported(path: Path) -> set[str]:
    """Names a module imports, at any depth (`from a import b` gives a and a.b)."""
    names = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# Services and rules without Flask ------------------------------------------------------------

# An error renders its sentence (ClausesError.message) through clauses.messages, which needs
# Flask-Babel for the reader's language; it imports it only when an edge (a view, the CLI) reads
# the message. Raising an error needs no Flask.
FLASK_EXCEPTIONS = {"clauses.errors"}


def is_flask(name: str) -> bool:
    return name == "flask" or name.startswith(("flask.", "flask_"))


def flask_bound() -> set[str]:
    """Modules that import Flask, directly or through another module of the app. The package
    `clauses` itself is left out: it holds create_app, and Python runs it before any of its
    modules whatever they import."""
    graph = {name: imported(path) & set(MODULES) - {"clauses"} for name, path in MODULES.items()}
    bound = {
        name
        for name, path in MODULES.items()
        if name not in FLASK_EXCEPTIONS and any(is_flask(i) for i in imported(path))
    }
    grown = True
    while grown:
        more = {name for name, uses in graph.items() if uses & bound} - bound - FLASK_EXCEPTIONS
        bound |= more
        grown = bool(more)
    return bound


def test_services_rules_imports_and_the_policy_do_not_import_flask():
    pure = [
        name
        for name in MODULES
        if name.startswith(("clauses.services.", "clauses.rules", "imports"))
        or name in ("clauses.access", "clauses.access.policy")
    ]
    assert sorted(set(pure) & flask_bound()) == []


def test_the_flask_check_sees_flask_through_other_modules():
    bound = flask_bound()
    assert {"clauses.access.web", "clauses.views.navigation", "clauses.links"} <= bound
    assert "clauses.models" not in bound


def test_imports_use_neither_the_services_nor_the_views():
    """imports/ reads files and writes batches; the services and views call it, never the
    reverse (a cycle, before: commit.py recorded the audit and refreshed the hours summary)."""
    upward = ("clauses.services", "clauses.views", "clauses.cli")
    reaching = {
        name: sorted(used for used in imported(path) if used.startswith(upward))
        for name, path in MODULES.items()
        if name.startswith("imports")
    }
    assert {name: used for name, used in reaching.items() if used} == {}
    assert "clauses.services.timesheets" in imported(MODULES["clauses.cli"])  # the check sees


# Roles ----------------------------------------------------------------------------------------

# Where a role is data, not a decision: shown, chosen, saved, filtered or sorted by. These may
# name roles; like every module, they may not decide anything on one (see the test below).
ROLE_AS_DATA = {
    "clauses/models/enums.py": "defines Role",
    "clauses/models/user.py": "the account's role column",
    "clauses/services/accounts.py": "saves and audits an account's role; filters and sorts by it",
    "clauses/forms/admin.py": "the role fields of the account form and of the accounts filter",
    "clauses/views/admin.py": "the choices of those fields",
    "clauses/messages/labels.py": "each role's label",
    "clauses/messages/audit.py": "an audit detail's role, as its label",
    "clauses/cli.py": "create-user's --role, and the accounts it prints",
    "clauses/services/demo/catalogue.py": "the demo's accounts",
    "templates/base.html": "the signed-in user's role, as a label",
    "templates/admin/users.html": "the accounts' role column",
    "templates/admin/user_form.html": "the role field",
}


def is_role(node: ast.AST) -> bool:
    """`x.role`, a variable `role`, or a member `Role.X`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")
    return isinstance(node, ast.Name) and node.id == "role"


def is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def is_named_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and is_role(node) and node.attr != "role"


def annotations(module: ast.Module) -> set[int]:
    """Ids of the nodes inside type annotations (`role: Role` names a type, decides nothing)."""
    inside = set()
    for node in ast.walk(module):
        roots = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation:
            roots.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            roots.append(node.returns)
        inside.update(id(n) for root in roots for n in ast.walk(root))
    return inside


def role_mentions(path: Path) -> Iterator[int]:
    """Line numbers of `x.role`, and of `Role` (its members too) outside annotations."""
    module = tree(path)
    skip = annotations(module)
    for node in ast.walk(module):
        if id(node) not in skip and (
            (isinstance(node, ast.Attribute) and node.attr == "role")
            or (isinstance(node, ast.Name) and node.id == "Role")
        ):
            yield node.lineno


def decides_on_role(node: ast.AST) -> bool:
    """Compared with a named role or a set of them, a mapping keyed by a role, a SQL IN on it.
    Comparing a role with a role (an accounts filter matching the role picked) or with None
    decides nothing."""
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        if any(is_named_role(n) for o in operands for n in ast.walk(o)):
            return True
        others = [o for o in operands if not is_role(o) and not is_none(o)]
        return any(map(is_role, operands)) and bool(others)
    if isinstance(node, ast.Subscript):
        return is_role(node.slice) and not is_named_role(node.slice)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("in_", "get")
        and (is_role(node.func.value) or any(is_role(a) for a in node.args))
    )


def role_decisions(path: Path) -> Iterator[int]:
    return (node.lineno for node in ast.walk(tree(path)) if decides_on_role(node))


JINJA_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def template_role_lines(path: Path, tags: str) -> Iterator[int]:
    """Lines of a template whose Jinja code (`{%` tags, or both kinds) names a role."""
    text = path.read_text(encoding="utf-8")
    for match in JINJA_TAG.finditer(text):
        if match.group().startswith(tags) and re.search(r"\brole\b", match.group()):
            yield text.count("\n", 0, match.start()) + 1


def outside_access() -> Iterator[tuple[str, Path]]:
    for name, path in MODULES.items():
        if name != "clauses.access" and not name.startswith("clauses.access."):
            yield path.relative_to(ROOT).as_posix(), path


def test_roles_are_named_only_by_the_access_policy():
    found = [
        f"{where}:{line}"
        for where, path in outside_access()
        if where not in ROLE_AS_DATA
        for line in role_mentions(path)
    ]
    found += [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.relative_to(ROOT).as_posix() not in ROLE_AS_DATA
        for line in template_role_lines(path, "{")
    ]
    assert found == []


def test_no_role_decision_outside_the_access_policy():
    found = [f"{where}:{line}" for where, path in outside_access() for line in role_decisions(path)]
    found += [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line in template_role_lines(path, "{%")
    ]
    assert found == []


def test_the_role_checks_find_what_they_look_for(tmp_path):
    source = tmp_path / "view.py"
    source.write_text(
        "def f(user, TEMPLATES, team):\n"
        "    if user.role is Role.BUYER:\n"
        "        return TEMPLATES[user.role]\n"
        "    return user.role in team, User.role.in_(team), User.role == filters.role\n"
    )
    assert list(role_decisions(source)) == [2, 3, 4, 4]
    assert sorted(role_mentions(source)) == [2, 2, 3, 4, 4, 4, 4]
    page = tmp_path / "page.html"
    page.write_text("<p>{{ label(u.role) }}</p>\n{% if current_user.role == 'admin' %}{% endif %}")
    assert (list(template_role_lines(page, "{")), list(template_role_lines(page, "{%"))) == (
        [1, 2],
        [2],
    )


def test_every_allowed_file_exists():
    assert [where for where in ROLE_AS_DATA if not (ROOT / where).exists()] == []


# Forms and services ------------------------------------------------------------------------


def test_forms_share_fields_through_one_module():
    borrowed = [
        f"{name} imports {used}"
        for name, path in MODULES.items()
        if name.startswith("clauses.forms.")
        for used in sorted(imported(path))
        if used.startswith("clauses.forms.") and not used.startswith("clauses.forms.fields")
    ]
    assert borrowed == []


@pytest.fixture
def route_prefixes(app):
    """The first segment of every route (/imports, /contracts, ...)."""
    return {rule.rule.split("/")[1] for rule in app.url_map.iter_rules()} - {""}


def test_services_write_no_route_path(route_prefixes):
    """Pages a service's text points to come from its caller (the routes and BASE_URL)."""
    path_like = re.compile(rf"/({'|'.join(map(re.escape, route_prefixes))})\b")
    found = [
        f"{name}:{node.lineno}"
        for name, path in MODULES.items()
        if name.startswith("clauses.services.")
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and path_like.search(node.value)
    ]
    assert found == []


# No import cycle ---------------------------------------------------------------------------


def module_level_imports(path: Path) -> set[str]:
    """What a module imports when it is loaded: its top-level imports, those under a plain `if`
    or `try` included, those for the type checker (`if TYPE_CHECKING:`) and inside functions
    left out (the factory imports its blueprints when it runs, not when it is loaded)."""

    def walk(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node
            elif isinstance(node, ast.If) and not (
                isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            ):
                yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try):
                yield from walk(node.body)

    names = set()
    for node in walk(tree(path).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif node.module and not node.level:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_of(name: str) -> str | None:
    """The module of ours an imported name lives in (`clauses.models.Contract`: clauses.models)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_between_modules():
    graph = {
        name: {m for i in module_level_imports(path) if (m := module_of(i)) not in (None, name)}
        for name, path in MODULES.items()
    }
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
