"""Organisations: buyers, contractors, SIAE and the facilitation team."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates
from stdnum.fr import siret as stdnum_siret

from clauses.models.base import Base, ShortText, utcnow
from clauses.models.enums import OrganisationKind, enum_type


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[ShortText] = mapped_column(unique=True)
    # Optional; when given it is a valid SIRET (14 digits, Luhn keys, La Poste's exception).
    siret: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("siret")
    def _check_siret(self, _key: str, value: str | None) -> str | None:
        if value is None:
            return None
        return str(stdnum_siret.validate(value))

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
