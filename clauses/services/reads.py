"""Reads of personal data, audited like changes (who, when, which record): a person's page, an
original hour sheet, which holds names, and a contract's ranked candidates (who was listed). A
record's history of changes leaves them out (audit.READS)."""

from collections.abc import Sequence

from sqlalchemy.orm import Session

from clauses.models import Contract, ImportBatch, Participant, User
from clauses.services import audit


def participant_viewed(session: Session, viewer: User, person: Participant) -> None:
    audit.record(session, viewer, "participant_viewed", "participant", person.id)


def batch_file_downloaded(session: Session, viewer: User, batch: ImportBatch) -> None:
    audit.record(
        session, viewer, "batch_file_downloaded", "import_batch", batch.id, filename=batch.filename
    )


def candidates_listed(
    session: Session, viewer: User, contract: Contract, participant_ids: Sequence[int]
) -> None:
    """A page of a contract's candidates: the people it showed, by number."""
    audit.record(
        session,
        viewer,
        "candidates_viewed",
        "contract",
        contract.id,
        count=len(participant_ids),
        participant_ids=list(participant_ids),
    )
