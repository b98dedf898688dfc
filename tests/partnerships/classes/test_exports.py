"""A class list and its contacts as CSV, and a leader's whole school: only what the rules allow."""

import csv
import datetime
import io

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse

from partnerships.models import AuditEvent, WhanauLink, WhanauMember
from partnerships.spreadsheets import spreadsheet_safe
from tests import factories

pytestmark = pytest.mark.django_db

STUDENT_HEADERS = [
    "NSN",
    "School id",
    "First name",
    "Last name",
    "Preferred name",
    "Year level",
    "Date of birth",
    "Class",
]
CAREGIVER_HEADERS = ["name", "relationship", "email", "phone", "language", "best way to reach them"]


def _csv(response) -> tuple[list[str], list[dict]]:
    """The header and the rows (by header) of a downloaded CSV, checked to start with a BOM."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    header, *rows = list(reader)
    assert all(len(row) == len(header) for row in rows)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _class_export(client, world, user=None):
    client.force_login(user or world.teacher)
    return client.get(reverse("class_export", args=[world.classroom.pk]))


def test_one_row_per_student_with_their_whanau_alongside(client, world):
    """Each student is one row, their details then each caregiver with access in turn."""
    student = world.student
    student.nsn, student.school_ref = "0123456789", "K-204"
    student.preferred_name, student.date_of_birth = "Ari", datetime.date(2018, 3, 4)
    student.save()
    member = world.link.whanau
    member.name, member.phone = "Mere Ngata", "021 555 0101"
    member.preferred_language = "mi"
    member.preferred_contact = WhanauMember.Contact.PHONE
    member.save()
    second = factories.WhanauLinkFactory(
        student=student, relationship=WhanauLink.Relationship.GRANDPARENT
    )
    header, rows = _csv(_class_export(client, world))
    assert header[:8] == STUDENT_HEADERS
    assert header[8:] == [f"Caregiver {n} {what}" for n in (1, 2) for what in CAREGIVER_HEADERS]
    assert [row["Last name"] for row in rows] == sorted(
        [world.student.last_name, world.classmate.last_name]
    )
    row = next(row for row in rows if row["Last name"] == student.last_name)
    assert row["NSN"] == "0123456789"
    assert row["School id"] == "K-204"
    assert row["First name"] == student.first_name
    assert row["Preferred name"] == "Ari"
    assert row["Year level"] == str(student.year_level)
    assert row["Date of birth"] == "2018-03-04"
    assert row["Class"] == world.classroom.name
    assert row["Caregiver 1 name"] == "Mere Ngata"
    assert row["Caregiver 1 relationship"] == "Mother"
    assert row["Caregiver 1 email"] == member.email
    assert row["Caregiver 1 phone"] == "021 555 0101"
    assert row["Caregiver 1 language"] == "Te reo Māori"
    assert row["Caregiver 1 best way to reach them"] == "Phone call"
    assert row["Caregiver 2 name"] == second.whanau.name
    assert row["Caregiver 2 relationship"] == "Grandparent"
    classmate = next(row for row in rows if row["Last name"] == world.classmate.last_name)
    assert classmate["Caregiver 1 name"] == ""


def test_whanau_with_no_access_never_appear(client, world):
    """A "no access / no contact" link (a custody order) is nowhere in the file."""
    hidden = world.student.whanau_links.get(has_access=False).whanau
    body = b"".join(_class_export(client, world).streaming_content).decode("utf-8-sig")
    assert hidden.name not in body
    assert hidden.email not in body


def test_no_other_class_or_school_ever_appears(client, world):
    """The export holds the class's students and their whānau, and nobody else's."""
    other_link = world.other_student.whanau_links.get()
    elsewhere = factories.WhanauLinkFactory(student=world.other_school_student)
    for user in (world.teacher, world.leader):
        body = b"".join(_class_export(client, world, user).streaming_content).decode()
        for outsider in (world.other_student, world.other_school_student):
            assert outsider.last_name not in body
        for member in (other_link.whanau, elsewhere.whanau):
            assert member.name not in body
            assert member.email not in body


def test_a_whanau_member_of_another_school_is_never_listed(client, world):
    """A link to a whānau member another school knows is left out of the contacts."""
    stray = factories.WhanauMemberFactory(school=world.other_school)
    WhanauLink.objects.create(whanau=stray, student=world.student)
    body = b"".join(_class_export(client, world).streaming_content).decode()
    assert stray.name not in body


def test_leavers_are_not_included(client, world):
    """A student who has left the school is in neither the class's nor the school's list."""
    world.classmate.left_on = datetime.date(2026, 6, 30)
    world.classmate.save(update_fields=["left_on"])
    _header, rows = _csv(_class_export(client, world))
    assert [row["Last name"] for row in rows] == [world.student.last_name]
    client.force_login(world.leader)
    _header, rows = _csv(client.get(reverse("school_export")))
    assert world.classmate.last_name not in {row["Last name"] for row in rows}


def test_cells_a_spreadsheet_would_run_are_neutralised(client, world):
    """Any cell starting = + - @, a tab or a return is written after a quote, kept whole."""
    student = world.student
    student.first_name, student.last_name = '=HYPERLINK("http://x")', "+SUM(A1)"
    student.preferred_name, student.school_ref = "-2+3", "@cmd"
    student.save()
    member = world.link.whanau
    member.name, member.phone = "\tTab", "+64 21 555 0101"
    member.save()
    _header, rows = _csv(_class_export(client, world))
    row = next(row for row in rows if row["Last name"] == "'+SUM(A1)")
    assert row["First name"] == '\'=HYPERLINK("http://x")'
    assert row["Preferred name"] == "'-2+3"
    assert row["School id"] == "'@cmd"
    assert row["Caregiver 1 name"] == "'\tTab"
    assert row["Caregiver 1 phone"] == "'+64 21 555 0101"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Aroha", "Aroha"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (4, "4"),
    ],
)
def test_spreadsheet_safe(value, written):
    """Only a cell's first character decides: a formula start gets a leading quote."""
    assert spreadsheet_safe(value) == written


def test_the_file_is_named_for_the_class_and_the_schools_date(client, world):
    """The download is named with the class (or school) and today's date where the school is."""
    world.classroom.name = "Rūma Tūī 4"
    world.classroom.save(update_fields=["name"])
    # 11am on 1 December in Auckland is still 30 November in UTC.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 22, tzinfo=datetime.UTC)):
        response = _class_export(client, world)
        _csv(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="ruma-tui-4-class-list-2026-12-01.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    client.force_login(world.leader)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 22, tzinfo=datetime.UTC)):
        response = client.get(reverse("school_export"))
        _csv(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="kowhai-school-student-list-2026-12-01.csv"'
    )


def test_an_export_is_audited_for_each_student(client, world):
    """Who exported the class shows on each listed student's record, once a visit."""
    for _ in range(2):
        _csv(_class_export(client, world))
    rows = AuditEvent.objects.filter(
        actor=world.teacher,
        action=AuditEvent.Action.VIEWED,
        object_type="partnerships.classroom",
        object_id=world.classroom.pk,
    )
    assert sorted(rows.values_list("student_id", flat=True)) == sorted(
        [world.student.pk, world.classmate.pk]
    )
    assert rows.first().summary == "Class list and contacts, exported"


def test_the_school_export_lists_every_current_student(client, world):
    """A leader's file has every current student of their school, in class order, streamed."""
    client.force_login(world.leader)
    response = client.get(reverse("school_export"))
    assert isinstance(response, StreamingHttpResponse)
    _header, rows = _csv(response)
    assert {row["Last name"] for row in rows} == {
        world.student.last_name,
        world.classmate.last_name,
        world.other_student.last_name,
    }
    assert world.other_school_student.last_name not in {row["Last name"] for row in rows}
    assert (
        AuditEvent.objects.filter(
            actor=world.leader, object_type="partnerships.school", object_id=world.school.pk
        ).count()
        == 3
    )


def test_another_schools_leader_gets_only_their_own_school(client, world):
    """Another school's leader exports their own school, none of ours."""
    client.force_login(world.other_school_leader)
    _header, rows = _csv(client.get(reverse("school_export")))
    assert [row["Last name"] for row in rows] == [world.other_school_student.last_name]


def _grow_school(world, classes: int, per_class: int) -> None:
    for _ in range(classes):
        classroom = factories.ClassroomFactory(school=world.school)
        for _ in range(per_class):
            student = factories.StudentFactory(school=world.school, classroom=classroom)
            factories.WhanauLinkFactory(student=student)
            factories.WhanauLinkFactory(student=student, has_access=False)


def test_the_school_export_asks_the_same_queries_at_any_size(
    client, world, django_assert_num_queries
):
    """A small school and a bigger one: the same queries, the whole file read."""
    client.force_login(world.leader)
    _csv(client.get(reverse("school_export")))  # the session and its roles, read once
    # The session, its user, their roles (two); the audit's INSERT; the widest family; the
    # rows (one query).
    with django_assert_num_queries(7):
        _csv(client.get(reverse("school_export")))
    _grow_school(world, classes=3, per_class=10)
    with django_assert_num_queries(7):
        _header, rows = _csv(client.get(reverse("school_export")))
    assert len(rows) == 33


def test_the_class_export_asks_the_same_queries_at_any_size(
    client, world, django_assert_num_queries
):
    """A class of two and a class of twelve: the same queries."""
    client.force_login(world.teacher)
    url = reverse("class_export", args=[world.classroom.pk])
    _csv(client.get(url))  # the session and its roles, read once
    # The session, its user, their roles (two); the class; the audit; the widest family; rows.
    with django_assert_num_queries(8):
        _csv(client.get(url))
    for _ in range(10):
        student = factories.StudentFactory(school=world.school, classroom=world.classroom)
        factories.WhanauLinkFactory(student=student)
    with django_assert_num_queries(8):
        _header, rows = _csv(client.get(url))
    assert len(rows) == 12
