"""A class list and its contacts as CSV: one row per student, their whānau alongside.

One row per student, with each whānau member who has access as a group of columns
(caregiver 1, caregiver 2…): a teacher opening it in Excel sees their class, one line a
child, can sort and count it, and reads every way to reach a family across that line. One
row per student–caregiver pair would repeat each child on several lines and hide the ones
with no caregiver among the others.

Only links with access are read: a whānau member marked "no access / no contact" (a custody
order) is never in the file. Leavers are never in it either. A school's whole list is two
queries whatever its size (the widest family, for the header, then the rows), read before the
response is handed back; the lines are then written out one at a time as they are sent. The
rows are read whole, not through a cursor left open on the connection until the download
ends: a school's are a few thousand small tuples.
"""

import csv
import itertools
from collections.abc import Iterator

from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from partnerships.models import Student, WhanauLink, WhanauMember
from partnerships.spreadsheets import spreadsheet_safe

# A whānau member is known to one school: one linked to a student of another is never listed.
_OWN_SCHOOLS = Q(whanau_links__whanau__school=F("school"))


def _headers(caregivers: int) -> list[str]:
    headers = [
        _("NSN"),
        _("School id"),
        _("First name"),
        _("Last name"),
        _("Preferred name"),
        _("Year level"),
        _("Date of birth"),
        _("Class"),
    ]
    for n in range(1, caregivers + 1):
        headers += [
            _("Caregiver %(n)s name") % {"n": n},
            _("Caregiver %(n)s relationship") % {"n": n},
            _("Caregiver %(n)s email") % {"n": n},
            _("Caregiver %(n)s phone") % {"n": n},
            _("Caregiver %(n)s language") % {"n": n},
            _("Caregiver %(n)s best way to reach them") % {"n": n},
        ]
    return headers


def _with_contacts(students: QuerySet[Student]) -> QuerySet:
    """Each student once for each whānau member with access (once, blank, for none), as
    plain values in class order. The condition sits in the join itself, so a student whose
    only whānau have no access is still listed, with no contact."""
    return (
        students.annotate(
            contact=FilteredRelation("whanau_links", condition=Q(whanau_links__has_access=True))
        )
        .order_by(
            F("classroom__year_level").asc(nulls_last=True),
            F("classroom__name").asc(nulls_last=True),
            "last_name",
            "first_name",
            "pk",
            "contact__created_at",
            "contact__pk",
        )
        .values_list(
            "pk",
            "school",
            "nsn",
            "school_ref",
            "first_name",
            "last_name",
            "preferred_name",
            "year_level",
            "date_of_birth",
            "classroom__name",
            "contact__whanau__school",
            "contact__whanau__name",
            "contact__relationship",
            "contact__whanau__email",
            "contact__whanau__phone",
            "contact__whanau__preferred_language",
            "contact__whanau__preferred_contact",
            named=True,
        )
    )


def _widest_family(students: QuerySet[Student]) -> int:
    """The most whānau with access any one of the students has: the caregiver columns."""
    counted = students.order_by().annotate(
        contacts=Count("whanau_links", filter=_OWN_SCHOOLS & Q(whanau_links__has_access=True))
    )
    return counted.aggregate(widest=Max("contacts"))["widest"] or 0


class _Line:
    """What ``csv.writer`` writes to: hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _labels(model, name: str) -> dict:
    """A choice field's labels by value, as text in the active language."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _csv_lines(students: QuerySet[Student]) -> Iterator[str]:
    """The file, a line at a time, starting with a byte order mark so that Excel reads the
    macrons as UTF-8."""
    caregivers = _widest_family(students)
    headers = _headers(caregivers)
    relationships = _labels(WhanauLink, "relationship")
    languages = _labels(WhanauMember, "preferred_language")
    reach_by = _labels(WhanauMember, "preferred_contact")
    rows = list(_with_contacts(students))
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(header) for header in headers])
    for _pk, lines in itertools.groupby(rows, key=lambda row: row.pk):
        lines = list(lines)
        student = lines[0]
        born = student.date_of_birth
        cells = [
            student.nsn,
            student.school_ref,
            student.first_name,
            student.last_name,
            student.preferred_name,
            student.year_level,
            born.isoformat() if born else "",
            student.classroom__name,
        ]
        for contact in lines:
            if contact.contact__whanau__school != student.school:
                continue  # no contact with access (None), or one of another school
            cells += [
                contact.contact__whanau__name,
                relationships.get(contact.contact__relationship, contact.contact__relationship),
                contact.contact__whanau__email,
                contact.contact__whanau__phone,
                languages.get(
                    contact.contact__whanau__preferred_language,
                    contact.contact__whanau__preferred_language,
                ),
                reach_by.get(
                    contact.contact__whanau__preferred_contact,
                    contact.contact__whanau__preferred_contact,
                ),
            ]
        cells += [""] * (len(headers) - len(cells))
        yield writer.writerow([spreadsheet_safe(cell) for cell in cells])


def csv_response(students: QuerySet[Student], *, filename: str) -> StreamingHttpResponse:
    """The students' list and contacts, streamed. Its queries run here, before the response
    is handed back, and its words are put in the language of this request while it is still
    active."""
    lines = _csv_lines(students)
    first = next(lines)
    response = StreamingHttpResponse(
        itertools.chain([first], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


def export_filename(name: str, *, what: str, zone) -> str:
    """``room-4-class-list-2026-12-01.csv``: ASCII, the list's name, what it is and the
    school's date."""
    today = timezone.localdate(timezone=zone)
    return f"{slugify(name) or 'school'}-{slugify(what)}-{today.isoformat()}.csv"
