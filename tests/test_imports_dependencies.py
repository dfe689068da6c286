"""Dependencies run one way: imports/ reads files and writes batches, and never reaches into
Flask, the services or the views (which call it)."""

import ast
from pathlib import Path

import pytest

IMPORTS = Path(__file__).resolve().parent.parent / "imports"
FORBIDDEN = ("flask", "clauses.services", "clauses.views", "clauses.extensions", "clauses.cli")


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            # "from clauses import services" names the package in the alias.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def forbidden(name: str) -> bool:
    return any(
        name == prefix or name.startswith((f"{prefix}.", f"{prefix}_")) for prefix in FORBIDDEN
    )


@pytest.mark.parametrize("path", sorted(IMPORTS.glob("*.py")), ids=lambda path: path.name)
def test_no_module_of_imports_uses_flask_the_services_or_the_views(path):
    assert sorted(filter(forbidden, imported_names(path))) == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import flask_babel\nfrom clauses import services\nfrom clauses.views.imports import bp\n"
    )
    assert sorted(filter(forbidden, imported_names(module))) == [
        "clauses.services",
        "clauses.views.imports",
        "clauses.views.imports.bp",
        "flask_babel",
    ]
