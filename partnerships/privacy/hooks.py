"""What the apps above contribute to privacy work, registered as they load (``apps.ready``).

- ``PERSON_SECTIONS``: ``function(subject) -> Iterable[Section]``, what an app holds about the
  person asking (and about their child, when the school agreed to include the child).
- ``SCHOOL_TABLES``: ``function(school) -> Iterable[Table]``, everything an app holds for a
  school, a table per kind, for a school that leaves.
- ``CORRECTABLE``: per record type (``"learners.goal"``), a function returning its
  ``Correctable``: how to find a record the person may ask about, and correct it or attach
  their statement to it.
- ``RETENTION``: ``function(school, *, policy, today, apply) -> Iterable[Due]``: what has
  passed the school's retention periods by ``today``, removed when ``apply``.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models.fields.files import FieldFile

from partnerships.registry import Registry

PERSON_SECTIONS = Registry()
SCHOOL_TABLES = Registry()
CORRECTABLE = Registry()
RETENTION = Registry()


@dataclass(frozen=True)
class Subject:
    """Whose information an export holds: the person who asked, in one school, and the child
    it is also about when the school agreed (for a student asking, themself)."""

    school: object  # School
    user: object  # User
    student: object | None = None  # Student


@dataclass
class Section:
    """A part of a person's export: a heading, rows of labelled values as the person would
    read them, and files (the name in the zip, the stored file)."""

    title: str
    rows: list[dict[str, str]] = field(default_factory=list)
    files: list[tuple[str, FieldFile]] = field(default_factory=list)


@dataclass
class Table:
    """One kind of thing a school holds, for its CSV (``name``.csv) and its files."""

    name: str
    header: list[str]
    rows: Iterable[list]
    files: Iterable[tuple[str, FieldFile]] = ()


@dataclass(frozen=True)
class Field:
    """One text of a correctable record the school may correct: its name on the model, its
    label, and whether it is long (a textarea) or a line."""

    name: str
    label: str
    max_length: int
    long: bool = False
    required: bool = True


@dataclass(frozen=True)
class Correctable:
    """A kind of record a person may ask to have corrected.

    ``find``: the record, if this person may ask about it (their own, or their child's while
    linked with access), else None. ``find_for_officer(user, school, id)``: the record among
    the school's, for its privacy officer answering the request (through their own access).
    ``text``: what each field says now.
    ``correct`` writes the officer's corrected texts (``values``, by field name); ``attach``
    adds the person's statement of correction to the record's ``correction_statements``
    (``partnerships.privacy.statements``: whose voice, the day, the words), shown wherever it
    is."""

    label: str
    fields: tuple[Field, ...]
    find: Callable[[object, int], object | None]
    find_for_officer: Callable[[object, object, int], object | None]
    text: Callable[[object], dict[str, str]]
    student: Callable[[object], object | None]
    correct: Callable[..., None]  # (record, *, actor, values)
    attach: Callable[..., None]  # (record, *, actor, voice, text, on)


@dataclass(frozen=True)
class Due:
    """Something retention removes: a plain description, how many, and for the leader's preview
    only, what they are (never written to the audit trail). ``on``: the day it falls due."""

    what: str
    count: int
    on: datetime.date | None = None
    names: list[str] = field(default_factory=list)
