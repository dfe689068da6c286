"""Reading the spreadsheets people send: one table reader for every import, then each import.

- read.py, workbook.py, table.py, cells.py, codes.py: sheets and merged cells (a workbook read
  by a process of its own, within limits of rows, memory and time), the header found through
  each import's column declarations, the rows every import skips, the cell parsers with
  DESIGN.md's bounds, and the codes and issues (code and params; the sentence is rendered by
  clauses.messages where it is shown);
- records.py, contracts.py, participants.py: the reference files' rows and what each becomes;
- headers.py, validate.py, match.py, pipeline.py, results.py, commit.py: the hour sheets, read →
  find headers → normalise → validate → match → commit; rejected.py and template.py, the
  downloads.

No Flask and no services here: reference data is loaded first through a plain SQLAlchemy Session,
and only commit.py writes, through the Session its caller passes.
"""
