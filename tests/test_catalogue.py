"""The te reo Māori catalogues are whole, correct and current.

Two catalogues translate the interface: the project's own (``locale/mi``, written by
``make messages`` from the code) and the libraries' words (``locale/libraries/mi``: Django's and
django-allauth's, which have no te reo Māori of their own). These tests fail, naming each entry
and where it is, when

- the project's catalogue is out of date with the code (``make messages`` would add or drop
  entries);
- an entry of either catalogue is untranslated or fuzzy (a reader would see English, or a
  guess nobody checked);
- ``msgfmt --check`` rejects a catalogue (a placeholder that does not match the English);
- a committed ``.mo`` is not what its ``.po`` compiles to (pages show what the ``.mo`` says);
- a libraries' entry is no longer a message of the installed Django or allauth (after an
  upgrade it would translate nothing, and the new words would be missing).

gettext's tools (``msgfmt``, ``xgettext``, ``msgmerge``…) are needed: without them the tests
are skipped on a laptop, saying so, and fail in CI (``MAHI_TAHI_REQUIRE_SERVICES=1``), so a
missing install is never read as a pass there.
"""

import ast
import gettext
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import allauth
import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(settings.BASE_DIR)
PROJECT_PO = ROOT / "locale" / "mi" / "LC_MESSAGES" / "django.po"
LIBRARIES_PO = ROOT / "locale" / "libraries" / "mi" / "LC_MESSAGES" / "django.po"
CATALOGUES = [pytest.param(PROJECT_PO, id="project"), pytest.param(LIBRARIES_PO, id="libraries")]
GETTEXT_TOOLS = ["msgfmt", "xgettext", "msgmerge", "msguniq", "msgattrib"]

# What makemessages reads: .py, .html and .txt files. The copy leaves out what ``make messages``
# never reads (tests/ is ignored by its options; dot-folders by Django's default patterns) and
# folders of installed or generated files.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
NOT_SOURCES = {"locale", "tests", "node_modules", "staticfiles", "var", "__pycache__"}


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def describe(self, path: Path) -> str:
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{self.line}"
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        used = f" [{' '.join(self.references[:3])}]" if self.references else ""
        return f"{where}: {self.msgid!r}{context}{used}"


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header is the one whose msgid is empty); obsolete (#~)
    entries are left out, as gettext's tools leave them out of the compiled catalogue."""
    entries: list[Entry] = []
    entry: Entry | None = None
    keyword = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and keyword is not None:  # a comment starts the next entry
                entries.append(entry)
                entry, keyword = None, None
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            keyword, text = match.group(1), ast.literal_eval(match.group(2))
            if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
                entries.append(entry)
                entry = None
            if entry is None:
                entry = Entry(line=number)
            if keyword == "msgid":
                entry.line = number
            _append(entry, keyword, text, new=True)
        elif line.startswith('"') and entry is not None and keyword is not None:
            _append(entry, keyword, ast.literal_eval(line), new=False)
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    if entry is not None and keyword is not None:
        entries.append(entry)
    return entries


def _append(entry: Entry, keyword: str, text: str, *, new: bool) -> None:
    if keyword.startswith("msgstr"):
        if new:
            entry.msgstr.append(text)
        else:
            entry.msgstr[-1] += text
    elif keyword == "msgctxt":
        entry.msgctxt = text if new else (entry.msgctxt or "") + text
    elif keyword == "msgid_plural":
        entry.msgid_plural = text if new else (entry.msgid_plural or "") + text
    else:
        entry.msgid = text if new else entry.msgid + text


def messages(path: Path) -> list[Entry]:
    """The catalogue's messages, without its header."""
    return [entry for entry in read_po(path) if entry.msgid]


def require_gettext(*tools: str) -> None:
    """Like a service: skipped on a laptop without gettext, a failure in CI (which installs
    it), so a missing install is never read as a pass there."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        reason = (
            f"gettext's {', '.join(missing)} not found on the PATH: the catalogue checks need "
            "GNU gettext (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)."
        )
        if REQUIRE_SERVICES:
            pytest.fail(reason)
        pytest.skip(reason)


def makemessages_arguments() -> list[str]:
    """The options ``make messages`` gives makemessages, read from the Makefile itself."""
    for line in (ROOT / "Makefile").read_text().splitlines():
        words = shlex.split(line) if "makemessages" in line else []
        if "makemessages" in words:
            return words[words.index("makemessages") + 1 :]
    pytest.fail("The Makefile has no makemessages command for the catalogue check to follow.")


def copy_sources(destination: Path) -> None:
    """The files makemessages reads, as they are in the project, with the committed catalogue
    (makemessages merges into it, so what it writes is the catalogue ``make messages`` would)."""
    for item in ROOT.iterdir():
        if item.name.startswith(".") or item.name in NOT_SOURCES:
            continue
        if item.is_file() and item.suffix in SOURCE_SUFFIXES:
            shutil.copy2(item, destination / item.name)
        elif item.is_dir():
            for source in item.rglob("*"):
                if source.suffix in SOURCE_SUFFIXES and "__pycache__" not in source.parts:
                    target = destination / source.relative_to(ROOT)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)
    catalogue = destination / PROJECT_PO.relative_to(ROOT)
    catalogue.parent.mkdir(parents=True)
    shutil.copy2(PROJECT_PO, catalogue)


def test_the_project_catalogue_has_every_message_of_the_code_and_no_other(tmp_path):
    require_gettext(*GETTEXT_TOOLS)
    copy_sources(tmp_path)
    # makemessages writes next to the sources it reads (the copy's locale/), never to ours.
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command("makemessages", *makemessages_arguments(), verbosity=0)
    finally:
        os.chdir(here)
    refreshed = {entry.key: entry for entry in messages(tmp_path / PROJECT_PO.relative_to(ROOT))}
    committed = {entry.key: entry for entry in messages(PROJECT_PO)}
    missing = [refreshed[key].describe(PROJECT_PO) for key in refreshed.keys() - committed.keys()]
    extra = [committed[key].describe(PROJECT_PO) for key in committed.keys() - refreshed.keys()]
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} message(s) of the code are not in the catalogue (the line is where "
            "`make messages` would put them):\n  " + "\n  ".join(sorted(missing))
        )
    if extra:
        problems.append(
            f"{len(extra)} message(s) of the catalogue are no longer in the code:\n  "
            + "\n  ".join(sorted(extra))
        )
    if problems:
        pytest.fail(
            "The te reo Māori catalogue is out of date with the code: run `make messages`, "
            "translate what it adds, and commit the catalogue.\n" + "\n".join(problems)
        )


@pytest.mark.parametrize("path", CATALOGUES)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    header = next(entry for entry in read_po(path) if not entry.msgid)
    untranslated, fuzzy = [], []
    for entry in messages(path):
        if "fuzzy" in entry.flags:
            fuzzy.append(entry.describe(path))
        elif not entry.msgstr or not all(entry.msgstr):
            untranslated.append(entry.describe(path))
    problems = []
    if "fuzzy" in header.flags:
        problems.append(f"The header is marked fuzzy ({path.name}:{header.line}).")
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:\n  " + "\n  ".join(untranslated))
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} fuzzy (a guess to check, then clear the mark):\n  " + "\n  ".join(fuzzy)
        )
    if problems:
        pytest.fail(
            f"{path.relative_to(ROOT)} is not wholly translated (locale/mi/GLOSSARY.md has "
            "the words):\n" + "\n".join(problems)
        )


@pytest.mark.parametrize("path", CATALOGUES)
def test_msgfmt_accepts_the_catalogue(path):
    require_gettext("msgfmt")
    checked = subprocess.run(  # noqa: S603  gettext's own tool on our own file
        ["msgfmt", "--check", "--output-file", os.devnull, str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, (
        f"msgfmt --check rejects {path.relative_to(ROOT)} (a placeholder or a plural that does "
        f"not match the English, or a malformed entry):\n{checked.stderr}"
    )


@pytest.mark.parametrize("path", CATALOGUES)
def test_the_committed_mo_is_the_po_compiled(path, tmp_path):
    require_gettext("msgfmt")
    compiled_mo = tmp_path / "django.mo"
    compiling = subprocess.run(  # noqa: S603  gettext's own tool on our own file
        ["msgfmt", "--check-format", "--output-file", str(compiled_mo), str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiling.returncode == 0, f"msgfmt cannot compile {path.name}:\n{compiling.stderr}"
    committed_mo = path.with_suffix(".mo")
    assert committed_mo.exists(), f"{committed_mo.relative_to(ROOT)} is missing: compile it."
    compiled = read_mo(compiled_mo)
    committed = read_mo(committed_mo)
    differences = sorted(
        f"{mo_message(key)!r}: the .po says {compiled.get(key)!r}, the .mo {committed.get(key)!r}"
        for key in compiled.keys() | committed.keys()
        if compiled.get(key) != committed.get(key)
    )
    assert not differences, (
        f"{committed_mo.relative_to(ROOT)} is not what {path.name} compiles to: run "
        f"`msgfmt -o {committed_mo.relative_to(ROOT)} {path.relative_to(ROOT)}` (or "
        "`make messages`):\n  " + "\n  ".join(differences)
    )


def read_mo(path: Path) -> dict:
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def mo_message(key) -> str:
    """A compiled catalogue's key as the message it translates ("context\\x04msgid", and a
    plural's (msgid, form))."""
    msgid, form = key if isinstance(key, tuple) else (key, None)
    context, _, msgid = msgid.rpartition("\x04")
    if not msgid:
        return "(the header)"
    plural = f" [plural form {form}]" if form is not None else ""
    return msgid + (f" (context {context})" if context else "") + plural


def library_messages() -> set[tuple[str | None, str, str | None]]:
    """Every message of the installed Django and django-allauth, from their English catalogues
    (which list each message once, untranslated)."""
    django_root = Path(django.__file__).parent
    catalogues = [
        django_root / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        *sorted((django_root / "contrib").glob("*/locale/en/LC_MESSAGES/django.po")),
        Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ]
    return {entry.key for catalogue in catalogues for entry in messages(catalogue)}


def test_the_libraries_catalogue_translates_only_messages_of_the_installed_libraries():
    known = library_messages()
    stale = [
        entry.describe(LIBRARIES_PO) for entry in messages(LIBRARIES_PO) if entry.key not in known
    ]
    assert not stale, (
        f"{len(stale)} entries of {LIBRARIES_PO.relative_to(ROOT)} are not messages of the "
        f"installed Django {django.__version__} or django-allauth {allauth.__version__} (changed "
        "or removed by an upgrade: find the new wording in their locale/en catalogues, and "
        "translate it in place of the old):\n  " + "\n  ".join(stale)
    )
