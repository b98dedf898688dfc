"""What every app's export sections share: whose child an export may hold, how a value reads
in a row, whose words a contribution is (without naming anyone but the reader), and a safe
name for a file in the zip."""

import datetime
import json
import re

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partnerships.access import own_whanau_links
from partnerships.models import Staff, Student, Voice
from partnerships.privacy.hooks import Subject


def child_of(subject: Subject) -> Student | None:
    """The student whose record an export also holds: the one the school agreed to include,
    if the person is linked to them with access (or is them); a student asking, themself."""
    school = subject.school
    if subject.student is not None:
        student = subject.student
        if student.school_id != school.pk:
            return None
        if student.user_id == subject.user.pk:
            return student
        linked = own_whanau_links(subject.user).filter(student=student).exists()
        return student if linked else None
    return Student.objects.filter(school=school, user=subject.user).first()


def is_staff_of(subject: Subject) -> bool:
    return Staff.everyone.filter(school=subject.school, user=subject.user).exists()


def shown(value) -> str:
    """A value as a person reads it: dates in the reader's format, yes or no, or as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value)
    return str(value)


def label(model: type[Model], field: str) -> str:
    """A field's name as the app shows it, capitalised."""
    name = str(model._meta.get_field(field).verbose_name)
    return name[:1].upper() + name[1:]


def fields(obj: Model, names) -> dict[str, str]:
    """A row of the object's fields, choices as their labels."""
    row = {}
    for name in names:
        display = getattr(obj, f"get_{name}_display", None)
        row[label(type(obj), name)] = shown(display() if display else getattr(obj, name))
    return row


def whose(subject: Subject, author_id: int | None, voice: str) -> str:
    """Who wrote it, as the export names them: the reader as "you", anyone else by their part
    (teacher, whānau, student), so nobody else's name goes into someone's export."""
    if author_id is not None and author_id == subject.user.pk:
        return _("You")
    return str(Voice(voice).label) if voice in Voice.values else ""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(prefix: str, pk: int, original: str) -> str:
    """``evidence/12-reading-log.pdf``: a name in the zip that cannot leave its folder."""
    stem = _UNSAFE.sub("-", original or "").strip(".-")[:80] or "file"
    return f"{prefix}/{pk}-{stem}"


def csv_rows(queryset, names):
    """A school table's rows, straight from the database a thousand at a time: dates as ISO
    dates, lists (statements of correction) as JSON, for a computer to read."""
    for row in queryset.values_list(*names).iterator(chunk_size=1000):
        yield [_csv_value(value) for value in row]


def _csv_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value
