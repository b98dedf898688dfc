"""A file's rows read into students and caregivers, with each row's problems in plain words.

Nothing here reads the database: what a row says on its own (a missing name, an NSN of the
wrong length, a formula, two rows with the same NSN). ``checking`` compares the result with
what the school already has.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from partnerships.imports.fields import (
    CAREGIVER_GROUPS,
    FIELD_BY_NAME,
    STUDENTS,
    caregiver_field,
)
from partnerships.imports.values import (
    BadValueError,
    check_email,
    check_nsn,
    looks_like_formula,
    msg,
    parse_contact,
    parse_date,
    parse_flag,
    parse_language,
    parse_relationship,
    parse_year,
    phone_digits,
)
from partnerships.models import WhanauLink

# The longest each field may be, as the database holds it.
MAX_LENGTH = {"school_ref": 40, "first_name": 100, "last_name": 100, "preferred_name": 100}
MAX_LENGTH |= {"classroom": 100, "name": 150, "email": 254, "phone": 40}
# A start date further ahead than this is a typing mistake, not next term.
START_AHEAD = datetime.timedelta(days=366)
SHOWN_VALUE = 80  # characters of a cell a row error shows


@dataclass
class CaregiverIn:
    row: int
    prefix: str  # the caregiver's fields' prefix: "caregiver2_" in a students file, else ""
    name: str
    email: str = ""
    phone: str = ""
    relationship: str = ""
    language: str = ""
    contact: str = ""
    no_contact: bool = False
    key: tuple = ()  # who they are: by email, else name and phone, else name and child

    def column(self, attr: str) -> str:
        return f"{self.prefix}{attr}"


@dataclass
class StudentIn:
    nsn: str = ""
    school_ref: str = ""
    first_name: str = ""
    last_name: str = ""
    preferred_name: str = ""
    year_level: int | None = None
    classroom: str = ""
    teacher_emails: list[str] = field(default_factory=list)
    date_of_birth: datetime.date | None = None
    start_date: datetime.date | None = None

    @property
    def key(self) -> tuple:
        return ("nsn", self.nsn) if self.nsn else ("ref", self.school_ref)

    @property
    def name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}".strip()


@dataclass
class RowIn:
    number: int  # the file's row number
    student: StudentIn
    caregivers: list[CaregiverIn] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(error["blocking"] for error in self.errors)


class _Cells:
    """One row's cells by field, recording each problem against the row."""

    def __init__(self, row: RowIn, cells: list[str], columns: dict[str, int], headers):
        self.row, self.cells, self.columns, self.headers = row, cells, columns, headers

    def error(self, name: str, entry: dict, *, blocking: bool = True, value: str | None = None):
        index = self.columns.get(name)
        shown = value if value is not None else self.raw(name)
        self.row.errors.append(
            {
                "row": self.row.number,
                "column": self.headers[index] if index is not None else "",
                "value": shown[:SHOWN_VALUE],
                **entry,
                "blocking": blocking,
            }
        )

    def raw(self, name: str) -> str:
        index = self.columns.get(name)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def text(self, name: str, *, required: bool = False, length_of: str = "") -> str:
        value = self.raw(name)
        if looks_like_formula(value):
            self.error(
                name,
                msg(
                    gettext_noop(
                        "This looks like a spreadsheet formula, which we do not import: type "
                        "the value itself."
                    )
                ),
            )
            return ""
        limit = MAX_LENGTH.get(length_of or name)
        if limit and len(value) > limit:
            self.error(
                name,
                msg(
                    gettext_noop("This is %(length)s characters long; at most %(max)s fit."),
                    length=len(value),
                    max=limit,
                ),
            )
            return ""
        if required and not value:
            self.error(name, msg(gettext_noop("This is needed, and the cell is empty.")))
        return value

    def parsed(self, name: str, parse, **options):
        value = self.text(name)
        if not value:
            return None
        try:
            return parse(value, **options)
        except BadValueError as bad:
            self.error(name, bad.entry, blocking=bad.blocking)
            return None


def person_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _caregiver(cells: _Cells, prefix: str, offered, child_key: tuple) -> CaregiverIn | None:
    def name_of(attr):
        return f"{prefix}{attr}"

    present = [cells.raw(name_of(attr)) for attr in ("name", "email", "phone")]
    if not any(present):
        return None
    caregiver = CaregiverIn(
        row=cells.row.number,
        prefix=prefix,
        name=cells.text(name_of("name"), required=True, length_of="name"),
        phone=cells.text(name_of("phone"), length_of="phone"),
    )
    email = cells.text(name_of("email"), length_of="email")
    if email:
        caregiver.email = cells.parsed(name_of("email"), check_email) or ""
    caregiver.relationship = cells.parsed(name_of("relationship"), parse_relationship) or ""
    said = cells.raw(name_of("relationship"))
    if said and not caregiver.relationship and not looks_like_formula(said):
        caregiver.relationship = WhanauLink.Relationship.OTHER  # a word we do not know
    caregiver.language = cells.parsed(name_of("language"), parse_language, offered=offered) or ""
    caregiver.contact = cells.parsed(name_of("contact"), parse_contact) or ""
    caregiver.no_contact = bool(cells.parsed(name_of("no_contact"), parse_flag))
    if caregiver.email:
        caregiver.key = ("email", caregiver.email)
    elif digits := phone_digits(caregiver.phone):
        caregiver.key = ("phone", person_key(caregiver.name), digits)
    else:  # a name alone is only the same person for the same child
        caregiver.key = ("name", person_key(caregiver.name), child_key)
    return caregiver


def _student(cells: _Cells, today: datetime.date) -> StudentIn:
    student = StudentIn(
        school_ref=cells.text("school_ref"),
        first_name=cells.text("first_name", required=True),
        last_name=cells.text("last_name", required=True),
        preferred_name=cells.text("preferred_name"),
        classroom=cells.text("classroom"),
    )
    student.nsn = cells.parsed("nsn", check_nsn) or ""
    if not cells.raw("nsn") and not student.school_ref:
        cells.error(
            "nsn" if "nsn" in cells.columns else "school_ref",
            msg(gettext_noop("Each student needs their NSN or the school’s own id.")),
        )
    if cells.raw("year_level"):
        student.year_level = cells.parsed("year_level", parse_year)
    else:
        cells.text("year_level", required=True)
    for address in cells.text("teacher_emails").replace(";", ",").split(","):
        if address.strip():
            try:
                student.teacher_emails.append(check_email(address))
            except BadValueError as bad:
                cells.error("teacher_emails", bad.entry, value=address.strip())
    born = cells.parsed("date_of_birth", parse_date, today=today)
    if born and born > today:
        cells.error("date_of_birth", msg(gettext_noop("A date of birth cannot be in the future.")))
    else:
        student.date_of_birth = born
    started = cells.parsed("start_date", parse_date, today=today)
    if started and started > today + START_AHEAD:
        cells.error(
            "start_date",
            msg(gettext_noop("This start date is more than a year away: is the year right?")),
        )
    else:
        student.start_date = started
    return student


def _child(cells: _Cells) -> StudentIn:
    """The student a caregivers file's row is about: by NSN, else the school's id."""
    child = StudentIn(school_ref=cells.text("student_ref", length_of="school_ref"))
    child.nsn = cells.parsed("student_nsn", check_nsn) or ""
    if not cells.raw("student_nsn") and not child.school_ref:
        cells.error(
            "student_nsn" if "student_nsn" in cells.columns else "student_ref",
            msg(gettext_noop("Each row needs the student’s NSN or the school’s own id.")),
        )
    return child


def read_rows(
    *,
    kind: str,
    headers: list[str],
    rows: list[list[str]],
    header_row: int,
    mapping: dict[str, str],
    offered: list[str],
    today: datetime.date,
) -> list[RowIn]:
    """Every non-empty row, read; each problem is in its row's ``errors``."""
    known = FIELD_BY_NAME[kind]
    position = {header: index for index, header in enumerate(headers)}
    columns = {
        name: position[header]
        for name, header in mapping.items()
        if name in known and header in position
    }
    read = []
    first_seen: dict[tuple, CaregiverIn] = {}
    # Each person as each row gives them for a child (one given twice on a row included).
    for_child: dict[tuple, list[tuple[_Cells, CaregiverIn]]] = {}
    for index, cells in enumerate(rows):
        if not any(cell.strip() for cell in cells):
            continue
        row = RowIn(number=header_row + 1 + index, student=StudentIn())
        row_cells = _Cells(row, cells, columns, headers)
        if kind == STUDENTS:
            row.student = _student(row_cells, today)
            prefixes = [caregiver_field(n, "") for n in CAREGIVER_GROUPS]
        else:
            row.student = _child(row_cells)
            prefixes = [""]
        for prefix in prefixes:
            caregiver = _caregiver(row_cells, prefix, offered, row.student.key)
            if caregiver is None:
                continue
            first = first_seen.setdefault(caregiver.key, caregiver)
            if person_key(first.name) != person_key(caregiver.name):
                # A family's shared email is one person to us: say whose record it becomes.
                row_cells.error(
                    caregiver.column("email"),
                    msg(
                        gettext_noop(
                            "%(name)s has this email too (row %(row)s): they are imported as "
                            "one person, %(name)s. Give each their own email to invite both."
                        ),
                        name=first.name,
                        row=first.row,
                    ),
                    blocking=False,
                )
            if row.student.key[1]:
                for_child.setdefault((caregiver.key, row.student.key), []).append(
                    (row_cells, caregiver)
                )
            if caregiver.key not in {c.key for c in row.caregivers}:
                row.caregivers.append(caregiver)
        read.append(row)
    _no_contact_wins(for_child.values())
    if kind == STUDENTS:
        _refuse_twice(read, columns, headers)
    return read


def _no_contact_wins(for_child) -> None:
    """One person to us (the same email, or name and phone) marked no contact for a child on
    one row, or for one of two caregivers on a row, and not on another: no contact wins on
    every row, so their access and invitation never depend on which row is read first. Each
    row where the flag was not set says why."""
    for given in for_child:
        flagged = next((caregiver for _cells, caregiver in given if caregiver.no_contact), None)
        if flagged is None:
            continue
        for cells, caregiver in given:
            if caregiver.no_contact:
                continue
            caregiver.no_contact = True
            cells.error(
                caregiver.column("email" if caregiver.email else "name"),
                msg(
                    gettext_noop(
                        "%(name)s is marked no contact for this student on row %(row)s, and "
                        "is one person to us with this caregiver (the same email, or name and "
                        "phone): no contact wins, so neither is invited or sees anything about "
                        "this student. Give each their own email if one of them should."
                    ),
                    name=flagged.name,
                    row=flagged.row,
                ),
                blocking=False,
                value=caregiver.email or caregiver.name,
            )


def _refuse_twice(rows: list[RowIn], columns: dict[str, int], headers) -> None:
    """Two rows with the same NSN (or school id) are two claims on one student: both are
    refused, so the leader decides which is right."""
    for name in ("nsn", "school_ref"):
        seen: dict[str, list[RowIn]] = {}
        for row in rows:
            value = getattr(row.student, name)
            if value:
                seen.setdefault(value.casefold(), []).append(row)
        for same in seen.values():
            if len(same) < 2:
                continue
            for row in same:
                others = ", ".join(str(other.number) for other in same if other is not row)
                row.errors.append(
                    {
                        "row": row.number,
                        "column": headers[columns[name]],
                        "value": getattr(row.student, name),
                        **msg(
                            gettext_noop(
                                "The same %(field)s is on row %(rows)s too: keep one of them."
                            ),
                            rows=others,
                            field=msg(FIELD_BY_NAME[STUDENTS][name].label_id),
                        ),
                        "blocking": True,
                    }
                )
