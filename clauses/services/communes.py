"""The communes table that ships with the code (clauses/data/, see SOURCES.md there), read once
per process, and the commune each participant and contract is stored with.

A participant's commune of residence and a contract's site commune are resolved when they are
set (forms, imports, the demo) and the INSEE code is stored, so that ranking candidates never
resolves names. The programme's départements (a setting) decide between homonyms: changing
them resolves every stored commune again.
"""

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import DepartmentsInvalid
from clauses.models import Contract, Participant, Setting, User
from clauses.rules.communes import (
    DEFAULT_DEPARTMENTS,
    Commune,
    CommuneTable,
    commune_of,
    former_of,
)
from clauses.services import audit
from imports.codes import Code
from imports.records import RowReader

DATA = Path(__file__).resolve().parent.parent / "data"
# To be shown wherever distances are shown (the data's licence asks for it; SOURCES.md),
# word for word: its dashes are en dashes.
ATTRIBUTION = (
    "Sources : IGN – Admin Express COG 2018 et GEOFLA ; "  # noqa: RUF001
    "INSEE – Code officiel géographique 2026 ; Licence Ouverte."  # noqa: RUF001
)
DEPARTMENTS_KEY = "programme_departments"
# Mainland départements (01-95, 2A, 2B) and overseas ones (971-976).
DEPARTMENT = re.compile(r"(?:\d{2}|2[AB]|97[1-6])")


@cache
def table() -> CommuneTable:
    """The table, built from the shipped files once per process (about 0.2 s)."""
    with (DATA / "communes.csv").open(encoding="utf-8", newline="") as file:
        communes = [commune_of(row) for row in csv.DictReader(file)]
    with (DATA / "communes_former.csv").open(encoding="utf-8", newline="") as file:
        former = [former_of(row) for row in csv.DictReader(file)]
    return CommuneTable(communes, former)


@dataclass(frozen=True)
class Resolver:
    """The table with the programme's départements, which decide between homonyms."""

    table: CommuneTable
    departments: tuple[str, ...]

    def resolve(self, text: str) -> Commune | None:
        return self.table.resolve(text, self.departments)

    def insee(self, text: str) -> str | None:
        found = self.resolve(text)
        return found.insee if found is not None else None


def resolver(session: Session) -> Resolver:
    return Resolver(table(), departments(session))


def stored_commune(row: RowReader, commune: str, with_resolver: Resolver) -> str | None:
    """The INSEE code to store for an imported row's commune; a commune written but not found
    is a warning (commune_unknown), not an error: the distance to sites is then unknown."""
    insee = with_resolver.insee(commune)
    if insee is None and commune.strip():
        row.warn(Code.COMMUNE_UNKNOWN, value=commune)
    return insee


def departments(session: Session) -> tuple[str, ...]:
    """The programme's départements, first first (setting; default 93, 75, 92, 94, 95, 77, 78,
    91)."""
    value = session.scalar(sa.select(Setting.value).where(Setting.key == DEPARTMENTS_KEY))
    return parse_departments(value) if value else DEFAULT_DEPARTMENTS


def parse_departments(text: str) -> tuple[str, ...]:
    """ "93, 75 92;94" as ("93", "75", "92", "94"); DepartmentsInvalid names what is not a
    département."""
    codes = [code.upper() for code in re.split(r"[\s,;]+", text.strip()) if code]
    wrong = [code for code in codes if not DEPARTMENT.fullmatch(code)]
    if wrong or not codes:
        raise DepartmentsInvalid(field="departments", values=", ".join(wrong))
    return tuple(dict.fromkeys(codes))


def set_departments(session: Session, actor: User, wanted: Sequence[str]) -> int:
    """An admin's new list of départements; every stored commune is resolved again with it.
    Returns how many participants and contracts changed commune. Audited."""
    before = departments(session)
    new = parse_departments(" ".join(wanted))
    if new == before:
        return 0
    setting = session.get(Setting, DEPARTMENTS_KEY) or Setting(key=DEPARTMENTS_KEY)
    setting.value, setting.updated_by_id = ",".join(new), actor.id
    session.add(setting)
    changed = resolve_stored(session, Resolver(table(), new))
    audit.record(
        session,
        actor,
        "update",
        "setting",
        DEPARTMENTS_KEY,
        before=list(before),
        after=list(new),
        communes_changed=changed,
    )
    return changed


def resolve_stored(session: Session, with_resolver: Resolver) -> int:
    """Every participant's and contract's commune resolved again; how many changed."""
    changed = 0
    for model in (Participant, Contract):
        rows = session.execute(sa.select(model.id, model.commune, model.commune_insee)).all()
        updates = [
            {"id": id_, "commune_insee": insee}
            for id_, commune, stored in rows
            if (insee := with_resolver.insee(commune)) != stored
        ]
        if updates:
            session.execute(sa.update(model), updates)
        changed += len(updates)
    return changed
