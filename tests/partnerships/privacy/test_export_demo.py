"""The issue's "done when": in the demo, every whānau member who signs in asks for their
information and their child's; each export holds their own name and their child's, and
nothing of any other family."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conversations.models import Reflection, UpdateReply
from learners.models import GoalComment
from partnerships import demo
from partnerships.models import PrivacyRequest, School, Student, WhanauLink, WhanauMember
from partnerships.privacy import crypto, exports
from partnerships.privacy.due import due_on
from partnerships.privacy.policy import officers
from reports.models import ReportResponse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_school(module_world, django_db_blocker):
    """The demo as ``make run`` builds it, once for the module (rolled back at its end)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
        return School.objects.get(name=demo.DEMO_SCHOOL)


def opened(export) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.file.open("rb") as stored:
        plain = b"".join(crypto.decrypt_chunks(stored))
    return zipfile.ZipFile(io.BytesIO(plain))


def readable(archive: zipfile.ZipFile) -> str:
    """What a person reads in the export: the document and the machine-readable copy."""
    information = json.loads(archive.read("information.json"))
    return archive.read("index.html").decode() + json.dumps(information, ensure_ascii=False)


def _bodies(model, path: str, students) -> set[str]:
    return set(model.objects.filter(**{f"{path}__in": students}).values_list("body", flat=True))


def _written_for(students) -> set[str]:
    """Every comment, reply, reflection and response on these students' records."""
    return (
        _bodies(GoalComment, "goal__student", students)
        | _bodies(UpdateReply, "update__student", students)
        | _bodies(Reflection, "conversation__student", students)
        | _bodies(ReportResponse, "report__student", students)
    )


def test_every_family_of_the_demo_gets_their_own_and_nothing_of_anyone_elses(
    demo_school, monkeypatch
):
    # The PDF is the document again, compressed: what is checked is the document and JSON.
    monkeypatch.setattr("partnerships.pdf.pdf_available", lambda: False)
    officer = officers(demo_school).first().user
    members = list(
        WhanauMember.objects.filter(school=demo_school, user__isnull=False).select_related("user")
    )
    assert len(members) > 20
    all_students = list(Student.objects.filter(school=demo_school))
    all_members = list(WhanauMember.objects.filter(school=demo_school))
    checked = no_access = 0
    for member in members:
        user = member.user
        link = WhanauLink.objects.with_access().filter(whanau=member).first()
        if link is None:
            # "No access / no contact": asked with the child all the same, nothing of them.
            child = WhanauLink.objects.get(whanau=member).student
            request = PrivacyRequest.objects.create(
                school=demo_school,
                kind=PrivacyRequest.Kind.ACCESS,
                requester=user,
                student=child,
                due_on=due_on(timezone.localdate()),
            )
            export = exports.export_request(actor=officer, request=request, include_student=True)
            exports.export_build(export.pk)
            text = readable(opened(export))
            assert user.name in text
            assert child.last_name not in text or child.last_name in user.name
            assert child.display_name not in text
            no_access += 1
            continue
        child = link.student
        own_children = set(
            WhanauLink.objects.with_access().filter(whanau=member).values_list("student", flat=True)
        )
        request = PrivacyRequest.objects.create(
            school=demo_school,
            kind=PrivacyRequest.Kind.ACCESS,
            requester=user,
            student=child,
            due_on=due_on(timezone.localdate()),
        )
        export = exports.export_request(actor=officer, request=request, include_student=True)
        exports.export_build(export.pk)
        text = readable(opened(export))

        assert user.name in text, user.email
        assert child.full_name in text, user.email

        others = [s for s in all_students if s.pk not in own_children]
        # A name this family's own people share with someone else's is theirs to see.
        own_names = {user.name, member.name} | {
            name
            for s in all_students
            if s.pk in own_children
            for name in (f"{s.first_name} {s.last_name}", s.full_name)
        }
        for student in others:
            for name in {f"{student.first_name} {student.last_name}", student.full_name}:
                if name not in own_names:
                    assert name not in text, (user.email, "student", name)
        for other in all_members:
            if other.pk == member.pk:
                continue
            if other.name not in own_names:
                assert other.name not in text, (user.email, "whānau", other.name)
            if other.email and other.email != user.email:
                assert other.email not in text, (user.email, "email", other.email)
            if other.phone and other.phone != member.phone:
                assert other.phone not in text, (user.email, "phone", other.phone)
        # Words written on other families' records, and nowhere on this family's.
        theirs = _written_for([s.pk for s in others]) - _written_for(list(own_children))
        for body in theirs:
            assert body not in text, (user.email, "written by another family", body[:40])
        checked += 1
    assert checked > 20
    assert no_access == 1


def test_every_student_of_the_demo_who_signs_in_gets_their_own_and_no_one_elses(
    demo_school, monkeypatch
):
    monkeypatch.setattr("partnerships.pdf.pdf_available", lambda: False)
    officer = officers(demo_school).first().user
    students = list(Student.objects.filter(school=demo_school, user__isnull=False))
    assert students
    everyone = list(Student.objects.filter(school=demo_school))
    members = list(WhanauMember.objects.filter(school=demo_school))
    for student in students:
        request = PrivacyRequest.objects.create(
            school=demo_school,
            kind=PrivacyRequest.Kind.ACCESS,
            requester=student.user,
            student=student,
            due_on=due_on(timezone.localdate()),
        )
        export = exports.export_request(actor=officer, request=request, include_student=True)
        exports.export_build(export.pk)
        text = readable(opened(export))
        assert student.full_name in text
        own = {student.full_name, f"{student.first_name} {student.last_name}"}
        for other in everyone:
            if other.pk != student.pk:
                for name in {other.full_name, f"{other.first_name} {other.last_name}"} - own:
                    assert name not in text, (student.full_name, name)
        for member in members:
            if member.name not in own:
                assert member.name not in text, (student.full_name, member.name)
            if member.email:
                assert member.email not in text, (student.full_name, member.email)
