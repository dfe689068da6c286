"""The build's one decision that pyproject.toml cannot state: templates/ and migrations/ stay at
the top of the repository, and the wheel carries them inside the package (clauses/templates,
clauses/migrations), so that `pip install` anywhere gives a working app."""

from setuptools import find_packages, setup

BUNDLED = {"clauses.templates": "templates", "clauses.migrations": "migrations"}

setup(
    packages=[*find_packages(include=["clauses", "clauses.*", "imports", "imports.*"]), *BUNDLED],
    package_dir=BUNDLED,
    package_data={
        "clauses": ["static/**/*", "translations/**/*", "data/*"],
        **{package: ["**/*"] for package in BUNDLED},
    },
)
