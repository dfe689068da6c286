"""factory_boy factories writing through the test's own session (read at each call)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

import factory

from clauses.extensions import db
from clauses.models import (
    BatchLine,
    Contract,
    Criterion,
    EmploymentType,
    HourEntry,
    ImportBatch,
    JobOffer,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    Placement,
    PlacementState,
    Role,
    Sex,
    User,
)
from clauses.rules.names import name_key
from clauses.services import hours_summary

PASSWORD = "correct horse battery"


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        # "commit", not "flush": each request ends with session.remove(), which would roll back
        # a mere flush. The commit only releases a savepoint: the test transaction still rolls back.
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    kind = OrganisationKind.CONTRACTOR
    siret = None

    class Params:
        buyer = factory.Trait(
            kind=OrganisationKind.BUYER, name=factory.Sequence(lambda n: f"Acheteur {n}")
        )


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    role = Role.FACILITATOR
    password_hash = factory.LazyFunction(lambda: _hashed(PASSWORD))
    organisation = None


@cache
def _hashed(password: str) -> str:
    user = User()
    user.set_password(password)
    return user.password_hash


class OperationFactory(Base):
    class Meta:
        model = Operation

    name = factory.Sequence(lambda n: f"Opération {n}")
    buyer = factory.SubFactory(OrganisationFactory, buyer=True)
    commune = "Bobigny"


class ContractFactory(Base):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"TEST-{n:04d}")
    reference_key = factory.LazyAttribute(lambda c: Contract.key_of(c.reference))
    title = factory.Sequence(lambda n: f"Lot {n} gros œuvre")
    operation = factory.SubFactory(OperationFactory)
    contractor = factory.SubFactory(OrganisationFactory)
    trade = "Gros œuvre"
    commune = "Bobigny"
    start_date = date(2024, 1, 1)
    end_date = date(2024, 12, 31)
    committed_hours = Decimal("1200")


class ParticipantFactory(Base):
    class Meta:
        model = Participant

    last_name = factory.Sequence(lambda n: f"Nom{n}")
    first_name = "Prénom"
    name_key = factory.LazyAttribute(lambda p: name_key(p.last_name, p.first_name))
    birth_date = date(1990, 1, 1)
    sex = Sex.FEMALE
    commune = "Saint-Denis"
    eligibility_validated_on = None

    class Params:
        validated = factory.Trait(eligibility_validated_on=date(2024, 1, 15))


class ImportBatchFactory(Base):
    class Meta:
        model = ImportBatch

    filename = "releve.xlsx"
    content = b"test"
    sha256 = factory.Sequence(lambda n: f"{n:064d}")
    file_format = "xlsx"
    as_of = date(2024, 4, 8)


class HourEntryFactory(Base):
    """An hour entry with the batch line it comes from, as an import leaves them."""

    class Meta:
        model = HourEntry

    contract = factory.SubFactory(ContractFactory)
    participant = factory.SubFactory(ParticipantFactory)
    month = date(2024, 3, 1)
    employment_type = EmploymentType.CDI
    hours = Decimal("35")
    batch = factory.SubFactory(
        ImportBatchFactory, contractor=factory.SelfAttribute("..contract.contractor")
    )

    @factory.post_generation
    def line(self, create: bool, _extracted: object, **_kwargs: object) -> None:
        if create:
            db.session.add(
                BatchLine(
                    batch=self.batch,
                    sheet="Heures",
                    row=2,
                    contract_id=self.contract.id,
                    participant_id=self.participant.id,
                    month=self.month,
                    employment_type=self.employment_type,
                    hours=self.hours,
                )
            )
            hours_summary.refresh(db.session, [self.contract.id])
            db.session.commit()


class JobOfferFactory(Base):
    class Meta:
        model = JobOffer

    contract = factory.SubFactory(ContractFactory)
    trade = "Gros œuvre"
    start_date = date(2024, 5, 1)
    duration_months = 6
    places = 2
    contact = "Mme Lefèvre, 01 48 00 00 00"


class PlacementFactory(Base):
    """A proposal made on `state_on`, with its history's first event."""

    class Meta:
        model = Placement

    participant = factory.SubFactory(ParticipantFactory, validated=True, is_available=True)
    contract = factory.SubFactory(ContractFactory)
    state = PlacementState.PROPOSED
    state_on = date(2024, 4, 2)
    proposed_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def history(self, create: bool, _extracted: object, **_kwargs: object) -> None:
        if create and not self.events:
            self.move_to(self.state, self.state_on, self.proposed_by)
            db.session.commit()


@dataclass
class World:
    """A small world with one user of each role and contracts in and out of each scope."""

    admin: User
    facilitator: User
    buyer: User
    other_buyer: User
    contractor: User
    other_contractor: User
    contract: Contract  # the buyer's, held by the contractor
    other_contract: Contract  # the other buyer's, held by the other contractor
    participant: Participant  # with hours on `contract`
    stranger: Participant  # with hours on `other_contract` only


def make_world() -> World:
    buyer_org = OrganisationFactory(buyer=True, name="Département de test")
    other_buyer_org = OrganisationFactory(buyer=True, name="Ville de test")
    contractor_org = OrganisationFactory(name="Bâtiments Test SAS")
    other_contractor_org = OrganisationFactory(name="Autre Entreprise SARL")
    contract = ContractFactory(
        operation=OperationFactory(buyer=buyer_org), contractor=contractor_org
    )
    other_contract = ContractFactory(
        operation=OperationFactory(buyer=other_buyer_org), contractor=other_contractor_org
    )
    participant = ParticipantFactory(last_name="Diallo", first_name="Awa", validated=True)
    participant.set_criteria({Criterion.RQTH, Criterion.RSA})
    stranger = ParticipantFactory(last_name="Secret", first_name="Personne")
    HourEntryFactory(contract=contract, participant=participant)
    HourEntryFactory(contract=other_contract, participant=stranger)
    return World(
        admin=UserFactory(role=Role.ADMIN, email="admin@example.fr"),
        facilitator=UserFactory(role=Role.FACILITATOR, email="facilitator@example.fr"),
        buyer=UserFactory(role=Role.BUYER, organisation=buyer_org, email="buyer@example.fr"),
        other_buyer=UserFactory(role=Role.BUYER, organisation=other_buyer_org),
        contractor=UserFactory(
            role=Role.CONTRACTOR, organisation=contractor_org, email="contractor@example.fr"
        ),
        other_contractor=UserFactory(role=Role.CONTRACTOR, organisation=other_contractor_org),
        contract=contract,
        other_contract=other_contract,
        participant=participant,
        stranger=stranger,
    )
