"""The French catalogue is complete, current with the sources, and compiled."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "clauses" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="fr")


def test_every_french_translation_is_there_and_not_fuzzy():
    missing = [
        m.id
        for m in _catalog()
        if m.id
        and ("fuzzy" in m.flags or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert missing == []


def test_catalogue_has_every_message_of_the_sources(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "--ignore-dirs",
            ".*",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    known = {m.id for m in _catalog() if m.id}
    assert sorted(map(str, wanted - known)) == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as f:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(f) if m.id}
    written = {_plain(m.id): _plain(m.string) for m in _catalog() if m.id and not m.fuzzy}
    assert compiled == written, "run scripts/i18n.sh compile"


def _plain(value):
    """Plural messages come as lists from a .mo file and as tuples from a .po file."""
    return tuple(value) if isinstance(value, list | tuple) else value
