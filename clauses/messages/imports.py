"""The sentences of the imports: every issue of an hour sheet, a contracts or a participants file,
their file-level errors, and the summaries the pages and the command line print.

An issue's sentence is a clause ("heures négatives (-7 h)"): shown alone it starts with a
capital and ends with a full stop (`sentence`), and the command line and the JSON `message` put
the sheet and the row before it (`located`), as DESIGN.md asks of row messages.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from clauses.messages import Params, _, day_text, month_name, ngettext, number_text, pgettext
from imports.cells import AGES
from imports.codes import Code, Issue
from imports.records import ReferenceImportReport

# --- Values, as the reader writes them -------------------------------------------------------


def _hours(value: object) -> str:
    return _("%(hours)s h", hours=number_text(value))


def _quoted(value: object) -> str:
    return _("“%(text)s”", text=value)


# --- Shapes several codes share --------------------------------------------------------------


def _unreadable(p: Params, expected: str) -> str:
    return _(
        "“%(column)s” is unreadable: “%(value)s” (%(expected)s)",
        column=p["column"],
        value=p["value"],
        expected=expected,
    )


def _out_of_range(p: Params) -> str:
    return _(
        "“%(column)s” must be between %(minimum)s and %(maximum)s (%(value)s)",
        column=p["column"],
        minimum=number_text(p["minimum"]),
        maximum=number_text(p["maximum"]),
        value=number_text(p["value"]),
    )


def _value_sentence(expected: Callable[[], str]) -> Callable[[Params], str]:
    """A cell of a reference file: unreadable, or out of its bounds."""
    return lambda p: _out_of_range(p) if "maximum" in p else _unreadable(p, expected())


# --- Row errors ------------------------------------------------------------------------------


def _contract_unknown(p: Params) -> str:
    if not p["reference"]:
        return _("contract reference missing")
    if "rejected_row" in p:
        return _(
            "the contract “%(reference)s” is rejected (row %(row)s of its sheet)",
            reference=p["reference"],
            row=p["rejected_row"],
        )
    return _("the contract “%(reference)s” is unknown", reference=p["reference"])


def _hours_invalid(p: Params) -> str:
    if "column" in p:
        return _value_sentence(lambda: _("a number of hours"))(p)
    if p["value"]:
        return _("unreadable hours “%(value)s”", value=p["value"])
    return _("hours missing")


def _month_invalid(p: Params) -> str:
    if "column" in p:
        return _unreadable(p, _("a month mm/yyyy"))
    if p["value"]:
        return _("unreadable month “%(value)s”", value=p["value"])
    return _("month missing")


def _birthdate_invalid(p: Params) -> str:
    if "column" in p:
        return _unreadable(p, _("a date dd/mm/yyyy"))
    if "age" in p:
        return _(
            "birth date %(date)s: %(age)s years old, outside the ages of %(youngest)s to "
            "%(oldest)s",
            date=day_text(p["birth_date"]),
            age=p["age"],
            youngest=AGES[0],
            oldest=AGES[1],
        )
    if "birth_date" in p:
        return _("impossible birth date: %(date)s", date=day_text(p["birth_date"]))
    return _(
        "birth date of “%(name)s” missing or unreadable, and the name alone does not designate "
        "a single registered person",
        name=p["name"],
    )


def _duplicate_row(p: Params) -> str:
    if "first_sheet" in p:
        return _(
            "same contract, person, month and employment type as row %(row)s of sheet "
            "“%(sheet)s”: duplicate row left out",
            row=p["first_row"],
            sheet=p["first_sheet"],
        )
    return _(
        "“%(value)s” is already on row %(row)s: this row is left out",
        value=p["value"],
        row=p["first_row"],
    )


def _kind(kind: str) -> str:
    """An organisation's kind, as in "registered as a buyer"."""
    return {
        "buyer": pgettext("registered as", "a buyer"),
        "contractor": pgettext("registered as", "a contractor"),
        "siae": pgettext("registered as", "an SIAE"),
        "facilitator": pgettext("registered as", "the facilitation team"),
    }[kind]


def _organisation_conflict(p: Params) -> str:
    reason = p["reason"]
    if reason == "siret_of_other":
        return _(
            "SIRET %(siret)s is the one of “%(name)s”, not of “%(other)s”",
            siret=p["siret"],
            name=p["name"],
            other=p["other"],
        )
    if reason == "kind":
        return _(
            "“%(name)s” is already registered as %(kind)s, not as %(wanted)s",
            name=p["name"],
            kind=_kind(p["kind"]),
            wanted=_kind(p["wanted"]),
        )
    if reason == "other_siret":
        return _(
            "“%(name)s” is already registered with SIRET %(siret)s, not %(given)s",
            name=p["name"],
            siret=p["siret"],
            given=p["given"],
        )
    return _("the buyer and the contractor are the same organisation")


def _participant_unknown(p: Params) -> str:
    if p.get("birth_date"):
        return _(
            "no registered person is “%(name)s”, born on %(date)s: nothing is recorded for "
            "this row",
            name=p["name"],
            date=day_text(p["birth_date"]),
        )
    return _("no registered person is “%(name)s”: nothing is recorded for this row", name=p["name"])


def _status_invalid(p: Params) -> str:
    if not p["value"]:
        return _("status missing")
    return _(
        "status “%(value)s” unknown (Proposé·e, Entretien, Embauché·e, Terminé, Refusé·e, "
        "Désisté·e)",
        value=p["value"],
    )


# --- Row warnings ----------------------------------------------------------------------------


def _type_unknown(p: Params) -> str:
    if p["value"]:
        return _("employment type “%(value)s” unknown: counted as “other”", value=p["value"])
    return _("employment type missing: counted as “other”")


def _month_outside_contract(p: Params) -> str:
    return _(
        "%(month)s is outside the contract's period (%(start)s to %(end)s)",
        month=month_name(p["month"]),
        start=day_text(p["start"]),
        end=day_text(p["end"]),
    )


# --- File-level errors -----------------------------------------------------------------------


def _unreadable_file(p: Params) -> str:
    reason = p["reason"]
    if reason == "missing":
        return _("Cannot read “%(path)s”: file not found.", path=p["path"])
    if reason == "unreachable":
        return _("Cannot read “%(path)s”.", path=p["path"])
    if reason == "too_large":
        return _(
            "“%(path)s” is larger than %(maximum)s MB, the limit: it was not read (--max-bytes "
            "raises the limit).",
            path=p["path"],
            maximum=number_text(p["maximum"] / 1024**2),
        )
    return {
        "empty": lambda: _("The file is empty."),
        "encrypted": lambda: _(
            "The file is protected by a password: save it again without a password, then send it."
        ),
        "too_big": lambda: _(
            "The workbook is too big to be read (too many cells, or cells spread over too wide "
            "an area): it was not read. Send its data sheet alone, or save it as CSV."
        ),
        "damaged_archive": lambda: _("The file is a damaged archive."),
        "zip_not_workbook": lambda: _("The file is a zip archive, not an Excel or ODS workbook."),
        "zip_bomb": lambda: _(
            "The workbook unzips to an abnormal size: it was not read (a zip bomb?)."
        ),
        "not_a_workbook": lambda: _("The file cannot be read as a workbook."),
        "not_a_spreadsheet": lambda: _(
            "The file is neither a workbook nor a readable CSV text (UTF-8 or Windows-1252)."
        ),
    }[reason]()


def _missing_columns(p: Params) -> str:
    columns = ", ".join(_quoted(label) for label in p["columns"])
    if p["sheet"] is None:
        return _(
            "No header row recognised in “%(filename)s”: expected columns %(columns)s.",
            filename=p["filename"],
            columns=columns,
        )
    return ngettext(
        "Required column missing from sheet “%(sheet)s”: %(columns)s.",
        "Required columns missing from sheet “%(sheet)s”: %(columns)s.",
        len(p["columns"]),
        sheet=p["sheet"],
        columns=columns,
    )


SENTENCES: dict[str, Callable[[Params], str]] = {
    Code.CONTRACT_UNKNOWN: _contract_unknown,
    Code.HOURS_INVALID: _hours_invalid,
    Code.HOURS_NEGATIVE: lambda p: _("negative hours (%(hours)s)", hours=_hours(p["hours"])),
    Code.HOURS_TOO_HIGH: lambda p: _(
        "%(hours)s in the month, more than the maximum of %(maximum)s",
        hours=_hours(p["hours"]),
        maximum=_hours(p["maximum"]),
    ),
    Code.MONTH_INVALID: _month_invalid,
    Code.MONTH_FUTURE: lambda p: _(
        "%(month)s is after the month of the report (%(as_of)s)",
        month=month_name(p["month"]),
        as_of=month_name(p["as_of_month"]),
    ),
    Code.PARTICIPANT_MISSING: lambda p: _("the person's last or first name is missing"),
    Code.BIRTHDATE_INVALID: _birthdate_invalid,
    Code.PARTICIPANT_AMBIGUOUS: lambda p: _(
        "several registered people resemble “%(name)s” with the same birth date: give the exact "
        "spelling",
        name=p["name"],
    ),
    Code.DUPLICATE_ROW: _duplicate_row,
    Code.VALUE_TOO_LONG: lambda p: _(
        "“%(column)s” is longer than %(maximum)s characters (%(length)s)",
        column=p["column"],
        maximum=p["maximum"],
        length=p["length"],
    ),
    Code.VALUE_MISSING: lambda p: _("column “%(column)s” is empty", column=p["column"]),
    Code.SIRET_INVALID: lambda p: _(
        "“%(column)s” is invalid: “%(value)s” (14 digits, with the check digits of the SIREN and "
        "of the SIRET)",
        column=p["column"],
        value=p["value"],
    ),
    Code.DATE_INVALID: lambda p: _unreadable(p, _("a date dd/mm/yyyy")),
    Code.DATES_INVERTED: lambda p: _(
        "the end date (%(end)s) is before the start date (%(start)s)",
        end=day_text(p["end"]),
        start=day_text(p["start"]),
    ),
    Code.NUMBER_INVALID: _value_sentence(lambda: _("a number")),
    Code.BOOLEAN_INVALID: lambda p: _unreadable(p, _("yes or no")),
    Code.SEX_INVALID: lambda p: _unreadable(p, _("F or M")),
    Code.PHONE_INVALID: lambda p: _unreadable(
        p, _("a phone number of 10 digits from 0, or an international number from +")
    ),
    Code.EMAIL_INVALID: lambda p: _unreadable(p, _("an e-mail address")),
    Code.ORGANISATION_CONFLICT: _organisation_conflict,
    Code.SCHEDULE_INCOMPLETE: lambda p: _(
        "schedule of contract %(reference)s left as it was: its row %(row)s has an error",
        reference=p["reference"],
        row=p["failed_row"],
    ),
    Code.PARTICIPANT_UNKNOWN: _participant_unknown,
    Code.STATUS_INVALID: _status_invalid,
    Code.HIRE_DATE_MISSING: lambda p: _(
        "a hire (hired or ended) needs its hire date: “Date d'embauche” is empty"
    ),
    Code.OUTCOME_INVALID: lambda p: _(
        "outcome “%(value)s” unknown (Emploi durable, Emploi de transition, Sortie positive, "
        "Autre, Inconnue)",
        value=p["value"],
    ),
    Code.OUTCOME_DATE_MISSING: lambda p: _("an outcome needs its date: “Date de sortie” is empty"),
    Code.HOURS_OVERTIME: lambda p: _(
        "%(hours)s in the month, more than full time (%(full_time)s)",
        hours=_hours(p["hours"]),
        full_time=_hours(p["full_time"]),
    ),
    Code.HOURS_ZERO: lambda p: _("0 hours reported: row skipped"),
    Code.PARTICIPANT_FUZZY: lambda p: _(
        "“%(name)s” recognised as %(known)s (near spelling, same birth date)",
        name=p["name"],
        known=p["known_name"],
    ),
    Code.PARTICIPANT_NEW: lambda p: _(
        "%(name)s was not registered: added, eligibility to check (hours pending)",
        name=p["name"],
    ),
    Code.BIRTHDATE_MISSING: lambda p: _(
        "birth date missing or unreadable: person recognised by name"
    ),
    Code.TYPE_UNKNOWN: _type_unknown,
    Code.MONTH_OUTSIDE_CONTRACT: _month_outside_contract,
    Code.REPLACES_PREVIOUS: lambda p: _(
        "replaces the hours already received for this contract, person, month and employment type"
    ),
    Code.CRITERION_UNKNOWN: lambda p: _(
        "eligibility criterion “%(value)s” unknown: kept as written", value=p["value"]
    ),
    Code.VALIDATION_KEPT: lambda p: _(
        "validation date empty: the validation of %(date)s already recorded is kept",
        date=day_text(p["validated_on"]),
    ),
    Code.COMMUNE_UNKNOWN: lambda p: _(
        "commune “%(value)s” unknown: the distance to sites stays unknown", value=p["value"]
    ),
    Code.SHEET_SKIPPED: lambda p: _("sheet skipped: no header row recognised in its first 30 rows"),
    # File-level errors (ClausesError codes).
    "unreadable_file": _unreadable_file,
    "no_header": lambda p: _(
        "No sheet has a recognisable header row (with the hours, month and name columns at "
        "least) in its first 30 rows."
    ),
    "contract_column_missing": lambda p: _(
        "Sheet “%(sheet)s” has no contract column: choose the contract all its rows are for.",
        sheet=p["sheet"],
    ),
    "file_already_imported": lambda p: _(
        "This file (%(filename)s) was already imported as it is: it is not imported a second time.",
        filename=p["filename"],
    ),
    "missing_columns": _missing_columns,
    "too_many_rows": lambda p: ngettext(
        "Sheet “%(sheet)s” has more than %(num)s row: it was not read. Split it into several "
        "files.",
        "Sheet “%(sheet)s” has more than %(num)s rows: it was not read. Split it into several "
        "files.",
        p["maximum"],
        sheet=p["sheet"],
    ),
    "batch_already_rolled_back": lambda p: _("This import is already rolled back."),
}


# --- Issues, where they are shown ------------------------------------------------------------

IssueLike = Issue | Mapping[str, Any]


def _detail(issue: IssueLike) -> str:
    if isinstance(issue, Issue):
        return SENTENCES[issue.code](issue.params)
    if "params" not in issue:  # a batch recorded before its issues carried params
        return str(issue.get("message", "")).rstrip(".")
    return SENTENCES[str(issue["code"])](issue["params"])


def _where(issue: IssueLike) -> tuple[str, int | None]:
    if isinstance(issue, Issue):
        return issue.sheet, issue.row
    return str(issue["sheet"]), issue["row"]


def sentence(issue: IssueLike) -> str:
    """The issue alone, as a table of issues shows it beside its sheet and row."""
    detail = _detail(issue)
    return f"{detail[:1].upper()}{detail[1:]}."


def commune_unknown(value: str) -> str:
    """What a form says after saving a commune it did not find, as an import warns of it."""
    return sentence(Issue("", None, Code.COMMUNE_UNKNOWN, {"value": value}))


def located(issue: IssueLike) -> str:
    """The issue after its sheet and row, as the command line and the JSON print it."""
    sheet, row = _where(issue)
    if row is None:
        return _("Sheet “%(sheet)s”: %(message)s.", sheet=sheet, message=_detail(issue))
    return _(
        "Sheet “%(sheet)s”, row %(row)s: %(message)s.", sheet=sheet, row=row, message=_detail(issue)
    )


def as_json(issue: IssueLike) -> dict[str, object]:
    """DESIGN.md's {"sheet", "row", "code", "message"}."""
    sheet, row = _where(issue)
    code = issue.code.value if isinstance(issue, Issue) else issue["code"]
    return {"sheet": sheet, "row": row, "code": code, "message": located(issue)}


def shown(issues: Iterable[IssueLike]) -> list[dict[str, object]]:
    """Issues for a page's table: the sentence, with the code as a label for support."""
    return [{**as_json(issue), "message": sentence(issue)} for issue in issues]


def heading(is_error: bool) -> str:
    return _("Error") if is_error else _("Warning")


# What each code of a row or a sheet is about, for the counts above a long list of issues.
TITLES: dict[str, Callable[[], str]] = {
    Code.CONTRACT_UNKNOWN: lambda: _("Unknown contract"),
    Code.HOURS_INVALID: lambda: _("Hours missing or unreadable"),
    Code.HOURS_NEGATIVE: lambda: _("Negative hours"),
    Code.HOURS_TOO_HIGH: lambda: _("More hours than a month holds"),
    Code.MONTH_INVALID: lambda: _("Month missing or unreadable"),
    Code.MONTH_FUTURE: lambda: _("Month after the report"),
    Code.PARTICIPANT_MISSING: lambda: _("Name missing"),
    Code.BIRTHDATE_INVALID: lambda: _("Birth date missing, unreadable or impossible"),
    Code.PARTICIPANT_AMBIGUOUS: lambda: _("Several people resemble the name"),
    Code.DUPLICATE_ROW: lambda: _("Duplicate row"),
    Code.VALUE_TOO_LONG: lambda: _("Text too long"),
    Code.VALUE_MISSING: lambda: _("Value missing"),
    Code.SIRET_INVALID: lambda: _("Invalid SIRET"),
    Code.DATE_INVALID: lambda: _("Unreadable date"),
    Code.DATES_INVERTED: lambda: _("End before start"),
    Code.NUMBER_INVALID: lambda: _("Unreadable or out-of-range number"),
    Code.BOOLEAN_INVALID: lambda: _("Neither yes nor no"),
    Code.SEX_INVALID: lambda: _("Unreadable sex"),
    Code.PHONE_INVALID: lambda: _("Unreadable phone number"),
    Code.EMAIL_INVALID: lambda: _("Invalid e-mail address"),
    Code.ORGANISATION_CONFLICT: lambda: _("Organisation in conflict"),
    Code.SCHEDULE_INCOMPLETE: lambda: _("Schedule left as it was"),
    Code.PARTICIPANT_UNKNOWN: lambda: _("Unknown person"),
    Code.STATUS_INVALID: lambda: _("Unknown status"),
    Code.HIRE_DATE_MISSING: lambda: _("Hire date missing"),
    Code.OUTCOME_INVALID: lambda: _("Unknown outcome"),
    Code.OUTCOME_DATE_MISSING: lambda: _("Outcome date missing"),
    Code.HOURS_OVERTIME: lambda: _("More than full time"),
    Code.HOURS_ZERO: lambda: _("0 hours"),
    Code.PARTICIPANT_FUZZY: lambda: _("Name recognised despite its spelling"),
    Code.PARTICIPANT_NEW: lambda: _("New person"),
    Code.BIRTHDATE_MISSING: lambda: _("Person recognised by name alone"),
    Code.TYPE_UNKNOWN: lambda: _("Employment type unknown"),
    Code.MONTH_OUTSIDE_CONTRACT: lambda: _("Month outside the contract"),
    Code.REPLACES_PREVIOUS: lambda: _("Replaces hours already received"),
    Code.CRITERION_UNKNOWN: lambda: _("Unknown eligibility criterion"),
    Code.VALIDATION_KEPT: lambda: _("Validation kept"),
    Code.COMMUNE_UNKNOWN: lambda: _("Unknown commune"),
    Code.SHEET_SKIPPED: lambda: _("Sheet skipped"),
}


def by_code(issues: Iterable[IssueLike]) -> list[dict[str, object]]:
    """How many issues of each code, most frequent first: {"code", "title", "count"}."""
    counts = Counter(
        issue.code.value if isinstance(issue, Issue) else str(issue["code"]) for issue in issues
    )
    return [
        {"code": code, "title": TITLES[code](), "count": count}
        for code, count in counts.most_common()
    ]


# --- Summaries -------------------------------------------------------------------------------


def timesheet_summary(counts: Mapping[str, Any]) -> str:
    """ "3 lignes acceptées, 7 rejetées, 1 ignorée ; 300 h ; 1 personne reconnue, 0 nouvelle"."""
    return _(
        "%(accepted)s, %(rejected)s, %(skipped)s; %(hours)s; %(known)s, %(new)s.",
        accepted=ngettext("%(num)s row accepted", "%(num)s rows accepted", counts["rows_accepted"]),
        rejected=ngettext("%(num)s rejected", "%(num)s rejected", counts["rows_rejected"]),
        skipped=ngettext("%(num)s skipped", "%(num)s skipped", counts["rows_skipped"]),
        hours=_hours(counts["hours_accepted"]),
        known=ngettext(
            "%(num)s known person", "%(num)s known people", counts["participants_matched"]
        ),
        new=ngettext("%(num)s new person", "%(num)s new people", counts["participants_new"]),
    )


def reference_summary(report: ReferenceImportReport) -> str:
    """ "4 créés, 0 mis à jour, 0 inchangé, 1 ligne rejetée, 0 avertissement.", then the
    schedules the file recorded, if any."""
    summary = _(
        "%(created)s, %(updated)s, %(unchanged)s, %(rejected)s, %(warnings)s.",
        created=ngettext("%(num)s created", "%(num)s created", report.created),
        updated=ngettext("%(num)s updated", "%(num)s updated", report.updated),
        unchanged=ngettext("%(num)s unchanged", "%(num)s unchanged", report.unchanged),
        rejected=ngettext("%(num)s row rejected", "%(num)s rows rejected", report.rejected),
        warnings=ngettext("%(num)s warning", "%(num)s warnings", len(report.warnings)),
    )
    if not report.schedules_replaced:
        return summary
    schedules = ngettext(
        "Schedules recorded for %(num)s contract.",
        "Schedules recorded for %(num)s contracts.",
        report.schedules_replaced,
    )
    return f"{summary} {schedules}"


def pathways_summary(counts: Mapping[str, int], warnings: int) -> str:
    """ "12 lignes acceptées, 2 rejetées ; mises en relation : 8 créées, 3 mises à jour, 1
    inchangée ; 5 sorties enregistrées ; 0 avertissement." """
    return _(
        "%(accepted)s, %(rejected)s; placements: %(created)s, %(updated)s, %(unchanged)s; "
        "%(outcomes)s; %(warnings)s.",
        accepted=ngettext("%(num)s row accepted", "%(num)s rows accepted", counts["rows_accepted"]),
        rejected=ngettext("%(num)s rejected", "%(num)s rejected", counts["rows_rejected"]),
        created=ngettext("%(num)s created", "%(num)s created", counts["placements_created"]),
        updated=ngettext("%(num)s updated", "%(num)s updated", counts["placements_updated"]),
        unchanged=ngettext(
            "%(num)s unchanged", "%(num)s unchanged", counts["placements_unchanged"]
        ),
        outcomes=ngettext(
            "%(num)s outcome recorded", "%(num)s outcomes recorded", counts["outcomes_recorded"]
        ),
        warnings=ngettext("%(num)s warning", "%(num)s warnings", warnings),
    )
