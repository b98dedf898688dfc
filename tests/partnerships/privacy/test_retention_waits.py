"""Retention waits, on a fast-forwarded clock: a student marked today as having left years ago
is shown in the preview for 14 days before they go (a leader typing 2016 for 2026 has time to
see it); a leaver an open privacy request is about stays, with their whānau, until it closes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    PrivacyPolicy,
    PrivacyRequest,
    School,
    Student,
    User,
    WhanauMember,
)
from partnerships.privacy import retention, retention_tasks
from partnerships.year import services
from tests import factories
from tests.partnerships.privacy.retention_world import NIGHT, TODAY, at, exists, request

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 2, 1)  # past the school's 2 years, well before this spring


@pytest.fixture
def school(time_machine):
    time_machine.move_to(NIGHT, tick=False)
    school = factories.SchoolFactory(name="Kōwhai School")
    PrivacyPolicy.objects.create(school=school, records_years=2)
    PrivacyPolicy.objects.filter(school=school).update(periods_changed_at=at(LONG_AGO))
    leader = factories.LeaderFactory(school=school).user
    school = School.objects.get(pk=school.pk)  # its policy as stored, not as created
    school.leader = leader
    return school


def leaver(school, name: str, **fields) -> Student:
    first, last = name.split()
    fields.setdefault("left_on", LONG_AGO)
    return factories.StudentFactory(
        school=school, first_name=first, last_name=last, classroom=None, **fields
    )


def night_run(time_machine, capture, days: int = 0) -> None:
    time_machine.move_to(NIGHT + datetime.timedelta(days=days), tick=False)
    with capture(execute=True):
        retention_tasks.apply_retention()


def by_kind(dues) -> dict[str, tuple]:
    return {str(due.what): (due.on, due.count, due.names) for due in dues}


def test_marked_as_left_ten_years_ago_waits_fourteen_days_in_the_preview(
    school, time_machine, django_capture_on_commit_callbacks
):
    student = factories.StudentFactory(
        school=school, first_name="Aroha", last_name="Typo", start_date=datetime.date(2010, 2, 1)
    )
    whanau = factories.WhanauLinkFactory(student=student).whanau
    ten_years_ago = TODAY.replace(year=TODAY.year - 10)
    services.student_leave(student=student, by=school.leader, left_on=ten_years_ago)

    preview = retention.retention_preview(school, today=TODAY)
    assert preview.tonight == []
    day = TODAY + datetime.timedelta(days=14)
    coming = by_kind(preview.coming)
    assert coming["student records"] == (day, 1, ["Aroha Typo"])
    assert coming["whānau members"] == (day, 1, [whanau.name])

    for days in (0, 13):
        night_run(time_machine, django_capture_on_commit_callbacks, days)
        assert exists(student)
        assert exists(whanau)
    tomorrow = retention.retention_preview(school, today=day - datetime.timedelta(days=1))
    assert by_kind(tomorrow.coming)["student records"] == (day, 1, ["Aroha Typo"])
    on_the_day = retention.retention_preview(school, today=day)
    assert by_kind(on_the_day.tonight)["student records"] == (day, 1, ["Aroha Typo"])

    night_run(time_machine, django_capture_on_commit_callbacks, 14)
    assert not exists(student)
    assert not exists(whanau)


def test_a_leaver_marked_a_few_days_ago_goes_fourteen_days_after_the_marking(school):
    marked = leaver(school, "Mere Marked", left_marked_at=NIGHT - datetime.timedelta(days=5))
    unmarked = leaver(school, "Tama Before")  # left before the marking was kept: as it was
    preview = retention.retention_preview(school, today=TODAY)
    assert by_kind(preview.tonight)["student records"][1:] == (1, ["Tama Before"])
    assert by_kind(preview.coming)["student records"] == (
        TODAY + datetime.timedelta(days=9),
        1,
        ["Mere Marked"],
    )
    assert exists(marked)  # nothing removed by looking
    assert exists(unmarked)


def test_a_return_and_leaving_again_starts_the_fourteen_days_again(
    school, time_machine, django_capture_on_commit_callbacks
):
    student = factories.StudentFactory(
        school=school, first_name="Hemi", last_name="Back", start_date=datetime.date(2010, 2, 1)
    )
    services.student_leave(student=student, by=school.leader, left_on=datetime.date(2016, 3, 1))
    services.student_return(student=student, by=school.leader)
    assert Student.objects.get(pk=student.pk).left_marked_at is None
    time_machine.move_to(NIGHT + datetime.timedelta(days=10), tick=False)
    services.student_leave(student=student, by=school.leader, left_on=datetime.date(2016, 3, 1))
    night_run(time_machine, django_capture_on_commit_callbacks, 14)
    assert exists(student)  # marked again four days ago
    night_run(time_machine, django_capture_on_commit_callbacks, 24)
    assert not exists(student)


@pytest.fixture
def asked(school):
    """Leavers long due: one an open request is about, one who asked themself, one whose
    whānau asked about themselves, one with only an answered request, one with none."""
    about = leaver(school, "Ana About")
    about_whanau = factories.WhanauLinkFactory(student=about).whanau
    request(school, about_whanau.user, closed=None, student=about)
    own = leaver(school, "Rawiri Own", user=factories.UserFactory(email=None, password=None))
    request(school, own.user, closed=None)
    family = leaver(school, "Hine Family")
    family_whanau = factories.WhanauLinkFactory(student=family).whanau
    request(school, family_whanau.user, closed=None)
    answered = leaver(school, "Piripi Answered")
    request(
        school,
        factories.WhanauLinkFactory(student=answered).whanau.user,
        closed=datetime.date(2026, 2, 1),
        student=answered,
    )
    plain = leaver(school, "Kiri Plain")
    return {
        "about": about,
        "about_whanau": about_whanau,
        "own": own,
        "family": family,
        "family_whanau": family_whanau,
        "answered": answered,
        "plain": plain,
    }


def test_an_open_request_holds_the_leaver_and_their_whanau(
    school, asked, time_machine, django_capture_on_commit_callbacks
):
    preview = retention.retention_preview(school, today=TODAY)
    assert by_kind(preview.tonight)["student records"][1:] == (
        2,
        ["Piripi Answered", "Kiri Plain"],
    )
    assert by_kind(preview.waiting)["student records"] == (
        None,
        3,
        ["Ana About", "Hine Family", "Rawiri Own"],
    )
    assert "student records" not in by_kind(preview.coming)

    night_run(time_machine, django_capture_on_commit_callbacks)
    assert not exists(asked["plain"])
    assert not exists(asked["answered"])
    for held in ("about", "own", "family", "about_whanau", "family_whanau"):
        assert exists(asked[held]), held
    assert exists(asked["own"].user)
    assert exists(asked["family_whanau"].user)
    assert PrivacyRequest.objects.filter(status="open").count() == 3

    # Answered: they go the next night, with their whānau and the answered request.
    PrivacyRequest.objects.filter(status="open").update(
        status=PrivacyRequest.Status.SENT, closed_at=timezone.now()
    )
    assert retention.retention_preview(school, today=TODAY).waiting == []
    night_run(time_machine, django_capture_on_commit_callbacks, 1)
    for gone in ("about", "own", "family", "about_whanau", "family_whanau"):
        assert not exists(asked[gone]), gone
    assert not User.objects.filter(pk=asked["own"].user_id).exists()
    assert not WhanauMember.objects.filter(school=school).exists()


def test_the_page_shows_who_waits_for_an_open_request(client, school, asked):
    client.force_login(school.leader)
    response = client.get(reverse("privacy_retention"))
    assert response.status_code == 200
    page = re.sub(r"\s+", " ", response.content.decode())
    _before, waiting = page.split("Waiting for an open privacy request</h2>")
    waiting = waiting.split("Last removals")[0]
    assert "Ana About, Hine Family, Rawiri Own" in waiting
    assert "Kiri Plain" not in waiting
    assert "Ana About" not in _before


def test_a_former_teacher_whose_child_goes_keeps_their_account_and_staff_row(
    school, time_machine, django_capture_on_commit_callbacks
):
    """A leaver's whānau member who once taught (here or at another school) keeps their
    account: their staff row stays theirs, with the times they hosted and what they agreed."""
    elsewhere = factories.SchoolFactory(name="Tōtara School")
    former = factories.StaffFactory(school=elsewhere, left_at=timezone.now())
    child = leaver(school, "Mere Former")
    whanau = factories.WhanauLinkFactory(student=child, whanau__user=former.user).whanau

    night_run(time_machine, django_capture_on_commit_callbacks)

    assert not exists(child)
    assert not exists(whanau)
    assert User.objects.filter(pk=former.user_id).exists()
    assert type(former).everyone.filter(pk=former.pk).exists()
