"""Reads of personal data, audited like changes (who, when, which record): a person's page, and
an original hour sheet, which holds names. A record's history of changes leaves them out
(audit.READS)."""

from sqlalchemy.orm import Session

from clauses.models import ImportBatch, Participant, User
from clauses.services import audit


def participant_viewed(session: Session, viewer: User, person: Participant) -> None:
    audit.record(session, viewer, "participant_viewed", "participant", person.id)


def batch_file_downloaded(session: Session, viewer: User, batch: ImportBatch) -> None:
    audit.record(
        session, viewer, "batch_file_downloaded", "import_batch", batch.id, filename=batch.filename
    )
