"""Statements of correction (IPP 7): when the school declines a correction, the person's own
words are kept with the record and shown wherever the record is.

A record keeps a list of them (``correction_statements``), one per declined request, each
``{"voice": ..., "on": "YYYY-MM-DD", "text": ...}``: whose voice it is (whānau, the ākonga,
staff), the day it was attached, the words. Never a name or an email: a goal is read by both
households of a separated family, and goes into other people's exports.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from partnerships.access import relation_to
from partnerships.models import Voice

WHANAU = "whanau"
STUDENT = "student"
STAFF = "staff"
VOICES = (WHANAU, STUDENT, STAFF)


@dataclass(frozen=True)
class Statement:
    """One statement as a page or an export shows it: ``voice`` one of ``VOICES``."""

    voice: str
    on: datetime.date | None
    text: str

    @property
    def heading(self) -> str:
        return statement_heading(self)


def statement_add(statements: list, *, voice: str, text: str, on: datetime.date) -> list:
    """``statements`` with one more at the end: a new list, the earlier ones kept as they
    were (a second person's declined correction never replaces the first)."""
    if voice not in VOICES:
        raise ValueError(f"not a statement's voice: {voice!r}")
    text = text.strip()
    if not text:
        raise ValueError("a statement of correction needs its words")
    return [*(statements or []), {"voice": voice, "on": on.isoformat(), "text": text}]


def statement_attach(record: models.Model, *, voice: str, text: str, on: datetime.date) -> list:
    """The record's statements with this one added, read afresh under a row lock: two
    requests declined at once on the same record both keep theirs. Sets it on ``record``;
    the caller saves."""
    current = (
        type(record)
        ._base_manager.select_for_update()
        .filter(pk=record.pk)
        .values_list("correction_statements", flat=True)
        .get()
    )
    record.correction_statements = current
    return statement_add(current, voice=voice, text=text, on=on)


def voice_of(user, student) -> str:
    """Whose voice a statement is, from how the person who asked stands to the record's
    student: the ākonga, whānau, or staff. A record without a student (a whānau member's
    contact details) is their own, as whānau; someone whose link has since ended asked as
    whānau (only family may ask)."""
    if student is None:
        return WHANAU
    voice = relation_to(user, student).voice
    if voice == Voice.STUDENT:
        return STUDENT
    if voice in Voice.school_voices():
        return STAFF
    return WHANAU


def statements_shown(statements) -> list[Statement]:
    """The stored statements as pages show them, oldest first: dates as dates; anything
    not a statement left out rather than breaking the page."""
    shown = []
    for each in statements or []:
        if not isinstance(each, dict) or each.get("voice") not in VOICES or not each.get("text"):
            continue
        try:
            on = datetime.date.fromisoformat(each.get("on") or "")
        except (TypeError, ValueError):
            on = None
        shown.append(Statement(each["voice"], on, str(each["text"])))
    return shown


def statement_heading(statement: Statement) -> str:
    """The heading "Statement of correction from whānau (2 December 2026)", in the active
    language, the date in its format. Each voice its own sentence, for languages that say
    them differently."""
    if statement.on is None:
        return {
            WHANAU: _("Statement of correction from whānau"),
            STUDENT: _("Statement of correction from the ākonga"),
            STAFF: _("Statement of correction from staff"),
        }[statement.voice]
    date = formats.date_format(statement.on)
    return {
        WHANAU: _("Statement of correction from whānau (%(date)s)"),
        STUDENT: _("Statement of correction from the ākonga (%(date)s)"),
        STAFF: _("Statement of correction from staff (%(date)s)"),
    }[statement.voice] % {"date": date}


def statement_rows(statements) -> dict[str, str]:
    """For a person's export: a row per statement, its heading (whose voice, the day) and
    its words. Two of the same voice on the same day share a row, one after the other."""
    rows: dict[str, str] = {}
    for statement in statements_shown(statements):
        heading = statement_heading(statement)
        rows[heading] = (
            f"{rows[heading]}\n\n{statement.text}" if heading in rows else statement.text
        )
    return rows
