"""Organisations kept by the administrator: buyers, contractors, SIAE, the facilitation team."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret

from clauses.access import policy
from clauses.errors import (
    InvalidSiret,
    OrganisationKindInUse,
    OrganisationNameTaken,
    SiretTaken,
)
from clauses.models import Organisation, OrganisationKind, User
from clauses.services import audit
from clauses.services.listing import Listing, matching_all, search_terms, sorted_page


@dataclass(frozen=True)
class OrganisationData:
    name: str
    siret: str | None
    kind: OrganisationKind
    email: str | None


def valid_siret(value: str | None) -> str | None:
    """The SIRET as 14 digits (spaces and dots allowed when typed), or None when left empty."""
    if not value or not value.strip():
        return None
    try:
        return str(stdnum_siret.validate(value))
    except stdnum_errors.InvalidLength as error:
        raise InvalidSiret(field="siret", problem="length") from error
    except stdnum_errors.InvalidChecksum as error:
        raise InvalidSiret(field="siret", problem="checksum") from error
    except stdnum_errors.ValidationError as error:
        raise InvalidSiret(field="siret", problem="characters") from error


def snapshot(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "siret": organisation.siret,
        "kind": organisation.kind.value,
        "email": organisation.email,
    }


def create_organisation(session: Session, actor: User, data: OrganisationData) -> Organisation:
    data = _checked(session, None, data)
    organisation = Organisation(name=data.name, siret=data.siret, kind=data.kind, email=data.email)
    session.add(organisation)
    session.flush()
    audit.record(
        session, actor, "create", "organisation", organisation.id, after=snapshot(organisation)
    )
    return organisation


def update_organisation(
    session: Session, actor: User, organisation: Organisation, data: OrganisationData
) -> bool:
    """Whether anything changed (an unchanged form writes nothing, not even an audit event)."""
    data = _checked(session, organisation, data)
    before = snapshot(organisation)
    organisation.name = data.name
    organisation.siret = data.siret
    organisation.kind = data.kind
    organisation.email = data.email
    after = snapshot(organisation)
    return audit.record_update(session, actor, "organisation", organisation.id, before, after)


def _checked(
    session: Session, organisation: Organisation | None, data: OrganisationData
) -> OrganisationData:
    """The data cleaned, once every rule holds; nothing is changed before that."""
    cleaned = OrganisationData(
        name=" ".join(data.name.split()),
        siret=valid_siret(data.siret),
        kind=data.kind,
        email=(data.email or "").strip().lower() or None,
    )
    others = sa.select(Organisation.id)
    if organisation is not None:
        others = others.where(Organisation.id != organisation.id)
        _check_kind_fits_accounts(session, organisation, cleaned.kind)
    # Imports find an organisation by its name when the file gives no SIRET: names stay distinct.
    same_name = others.where(sa.func.lower(Organisation.name) == cleaned.name.lower())
    if session.scalar(same_name) is not None:
        raise OrganisationNameTaken(field="name")
    if cleaned.siret and session.scalar(others.where(Organisation.siret == cleaned.siret)):
        raise SiretTaken(field="siret")
    return cleaned


def _check_kind_fits_accounts(
    session: Session, organisation: Organisation, kind: OrganisationKind
) -> None:
    """A new kind must still suit the roles of the organisation's accounts."""
    if kind is organisation.kind:
        return
    barring = policy.accounts_barring(organisation.id, kind).with_only_columns(User.id).limit(1)
    if session.scalar(barring) is not None:
        raise OrganisationKindInUse(field="kind")


def all_organisations(session: Session) -> list[Organisation]:
    """By kind, then name: a select groups them by kind."""
    stmt = sa.select(Organisation).order_by(Organisation.kind, Organisation.name)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class OrganisationFilters:
    query: str | None = None
    kind: OrganisationKind | None = None


ORGANISATION_SORTS: dict[str, Any] = {
    "name": Organisation.name,
    "siret": Organisation.siret,
    "kind": Organisation.kind,
    "created": Organisation.created_at,
}


def organisations_page(
    session: Session,
    filters: OrganisationFilters,
    *,
    sort: str | None,
    order: str | None,
    page: int,
    size: int,
) -> Listing[Organisation]:
    stmt = sa.select(Organisation)
    terms = search_terms(filters.query)
    if terms:
        stmt = stmt.where(
            matching_all(terms, Organisation.name, Organisation.siret, Organisation.email)
        )
    if filters.kind is not None:
        stmt = stmt.where(Organisation.kind == filters.kind)
    return sorted_page(
        session,
        stmt,
        ORGANISATION_SORTS,
        default="name",
        sort=sort,
        order=order,
        page=page,
        size=size,
    )
