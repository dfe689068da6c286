"""Sentences of running the service: backup and restore."""

from clauses.messages import Sentence, _

SENTENCES: dict[str, Sentence] = {
    "backup_not_written": lambda p: _(
        "Cannot write %(path)s: %(reason)s.", path=p["path"], reason=p["reason"]
    ),
    "backup_tool_missing": lambda p: _(
        "%(tool)s is not installed: install PostgreSQL's client tools (of the server's version or "
        "newer), on the PATH or in /usr/lib/postgresql/<version>/bin.",
        tool=p["tool"],
    ),
    "backup_tool_failed": lambda p: _(
        "%(tool)s failed: %(detail)s", tool=p["tool"], detail=p["detail"]
    ),
    "not_a_backup": lambda p: _(
        "%(path)s is not a backup of a %(kind)s database of Clauses.",
        path=p["path"],
        kind=p["kind"],
    ),
    "backup_from_newer_code": lambda p: _(
        "This backup was made by a newer version of Clauses (migration %(revision)s, unknown "
        "here): update the code before restoring it.",
        revision=p["revision"],
    ),
    "restore_over_data": lambda p: _(
        "The database already holds data, which a restore replaces entirely: back it up "
        "first, then restore with --force."
    ),
}
