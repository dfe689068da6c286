"""The timesheet import pipeline: read → find headers → normalise → validate → match → commit.

No Flask here: reference data is loaded first through a plain SQLAlchemy Session, and only
commit.py writes, through the Session its caller passes.
"""
