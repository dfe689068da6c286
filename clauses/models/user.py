"""User accounts. Buyers and contractors always belong to an organisation."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from clauses.models.base import Base, utcnow
from clauses.models.enums import Role, enum_type
from clauses.models.organisation import Organisation


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('admin', 'facilitator') OR organisation_id IS NOT NULL",
            name="organisation_for_external_roles",
        ),
        sa.CheckConstraint("locale IN ('fr', 'en')", name="known_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The language the user chose with the switch; None: never chosen, so French.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    # Part of every session and remember-me cookie of the account (get_id): a new token ends
    # them all, on every device (end_sessions).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)

    organisation: Mapped[Organisation | None] = relationship()

    # Flask-Login's protocol, written out so the model does not depend on Flask.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session and the remember-me cookie keep: the account and its current
        session token (access.web.load_user checks both)."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of the account stops working."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """A new password ends every session opened with the old one."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
