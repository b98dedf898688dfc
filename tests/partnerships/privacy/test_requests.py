"""Access and correction requests: asked from the person's account, emailed to the school's
privacy officers with the due date, listed for them by it, and refused with one clear message
(nothing written, nothing disclosed) for a child or record that is not the person's."""

import datetime
import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    AuditEvent,
    OutboxEmail,
    PrivacyExport,
    PrivacyPolicy,
    PrivacyRequest,
)
from partnerships.privacy import requests as services
from tests import factories, mailbox

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find that among your records."
# Friday 18 December 2026, 2pm in Auckland: 4 working days before the summer break, which
# runs to 15 January; Waitangi Day (Saturday 6 February 2027) is observed on Monday 8th.
BEFORE_SUMMER = datetime.datetime(2026, 12, 18, 1, 0, tzinfo=datetime.UTC)
SUMMER_DUE = datetime.date(2027, 2, 9)


@pytest.fixture
def summer(time_machine):
    time_machine.move_to(BEFORE_SUMMER, tick=False)


def _new(kind="access", record=None) -> str:
    url = reverse("privacy_request_new") + f"?kind={kind}"
    return url + (f"&record={record}" if record else "")


def _post(client, url, **data):
    return client.post(url, {"submission": str(uuid.uuid4()), **data})


def _counts() -> tuple[int, int, int]:
    return (
        PrivacyRequest.objects.count(),
        OutboxEmail.objects.count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.VIEWED).count(),
    )


def _request(**fields) -> PrivacyRequest:
    """A request as it stands in the database, received now and due in four weeks."""
    fields = {
        "kind": PrivacyRequest.Kind.ACCESS,
        "due_on": timezone.localdate() + datetime.timedelta(days=28),
        **fields,
    }
    return PrivacyRequest.objects.create(**fields)


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_whanau_asks_and_the_officer_is_told_the_due_date(client, world, summer):
    """A parent asks about their child; the leader (every leader is the privacy officer when
    none is chosen) and the parent are emailed the due date, counted over the summer break
    and Waitangi Day; the officer's list shows it with the working days left."""
    client.force_login(world.whanau)
    page = client.get(_new()).content.decode()
    assert world.student.display_name in page
    assert "Just me" in page
    response = _post(client, _new(), about=world.student.pk, details="All of it, please.")
    assert response.status_code == 302
    assert response.url == reverse("privacy_requests")
    assert _messages(response) == ["We have your request. We will answer by 9 February 2027."]
    asked = PrivacyRequest.objects.get()
    assert (asked.kind, asked.student, asked.requester, asked.school) == (
        "access",
        world.student,
        world.whanau,
        world.school,
    )
    assert asked.due_on == SUMMER_DUE
    event = AuditEvent.objects.get(object_type="partnerships.privacyrequest")
    assert "All of it" not in event.summary

    sent = {message.to[0]: message for message in mailbox.send()}
    assert sent[world.leader.email].subject == "A privacy request, due by 9 February 2027"
    assert "All of it" not in sent[world.leader.email].body  # read signed in, not by email
    assert reverse("privacy_request_detail", args=[asked.pk]) in sent[world.leader.email].body
    to_parent = sent[world.whanau.email]
    assert to_parent.subject == "We have your request; we will answer by 9 February 2027"
    assert set(sent) == {world.leader.email, world.whanau.email}

    mine = client.get(reverse("privacy_requests")).content.decode()
    assert "9 Feb 2027" in mine
    assert "Open" in mine

    client.force_login(world.leader)
    listed = client.get(reverse("privacy_requests_school")).content.decode()
    assert "9 Feb 2027" in listed
    assert "20 working days left" in listed  # from tomorrow to the due day: all 20
    assert reverse("privacy_request_detail", args=[asked.pk]) in listed
    detail = client.get(reverse("privacy_request_detail", args=[asked.pk])).content.decode()
    assert world.link.get_relationship_display() in detail
    assert "All of it, please." in detail
    assert f"Include {world.student.display_name}’s record" in detail


def test_overdue_requests_are_marked_and_closed_ones_listed_after(client, world, summer):
    """Open requests first, soonest due first, an overdue one marked; answered ones after."""
    late = _request(school=world.school, requester=world.whanau, due_on=datetime.date(2026, 12, 1))
    soon = _request(
        school=world.school, requester=world.other_whanau, due_on=datetime.date(2027, 1, 20)
    )
    done = _request(
        school=world.school,
        requester=world.other_whanau,
        status=PrivacyRequest.Status.SENT,
        closed_at=timezone.now(),
    )
    client.force_login(world.leader)
    page = client.get(reverse("privacy_requests_school")).content.decode()
    order = [page.index(reverse("privacy_request_detail", args=[r.pk])) for r in (late, soon, done)]
    assert order == sorted(order)
    assert page.count("Overdue") == 1
    # From tomorrow to 20 January: 21–24 December and 18–20 January.
    assert "7 working days left" in page


def test_a_student_and_staff_ask_about_themselves(client, world, summer):
    """A student's request is about them; a teacher's about themself alone."""
    client.force_login(world.student_user)
    page = client.get(_new()).content.decode()
    assert "Just me" not in page
    _post(client, _new(), about=world.student.pk)
    client.force_login(world.teacher)
    _post(client, _new(), about="me", details="My staff record.")
    by_student, by_teacher = PrivacyRequest.objects.order_by("pk")
    assert (by_student.student, by_student.requester) == (world.student, world.student_user)
    assert (by_teacher.student, by_teacher.school) == (None, world.school)
    # The student signs in with a card and has no email: the officer is emailed, they are not.
    assert not OutboxEmail.objects.filter(key=f"privacy_request:{by_student.pk}:received")


def test_just_me_goes_to_the_school_where_they_are_whanau_or_learn(client, world):
    """Someone on another school's staff who is whānau here (or learns here) asks "just me"
    from their family's side: the request goes here, to their tamariki's (or their own)
    school, not to the school they work at."""
    for user in (world.whanau, world.student_user):
        factories.StaffFactory(school=world.other_school, user=user)
        client.force_login(user)
        assert "Just me" in client.get(_new()).content.decode()
        response = _post(client, _new(), about="me", details="About me.")
        assert response.status_code == 302
        asked = PrivacyRequest.objects.latest("pk")
        assert (asked.requester, asked.student, asked.school) == (user, None, world.school)
    # Staff and nothing else: their own school.
    assert services.own_school(world.other_school_leader) == world.other_school


@pytest.mark.parametrize("who", ["other_whanau", "no_access_whanau", "other_school_leader"])
def test_a_request_about_a_child_without_access_is_refused(client, world, who):
    """Someone with no access to the child: the same clear message, nothing written."""
    user = getattr(world, who)
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.privacy_request_make(actor=user, kind="access", student_id=world.student.pk)
    assert refused.value.messages == [NOT_FOUND]
    client.force_login(user)
    response = _post(client, _new(), about=world.student.pk)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        page = response.content.decode()
        assert NOT_FOUND in page
        assert world.student.last_name not in page
    assert _counts() == before


def test_a_correction_of_another_familys_record_is_refused(client, world):
    """Another family's goal, or a comment on it, or their contact details: not found, the
    record's words never shown, nothing written."""
    comment = factories.GoalCommentFactory(goal=world.goal, body="Ka pai tō mahi, e hoa.")
    records = [
        f"learners.goal:{world.goal.pk}",
        f"learners.goalcomment:{comment.pk}",
        f"partnerships.whanaumember:{world.link.whanau_id}",
        "learners.goal:999999999",
        "nonsense:1",
        "learners.goal:abc",
        "learners.goal:²",  # a digit to str.isdigit, not to int()
    ]
    before = _counts()
    client.force_login(world.other_whanau)
    for record in records:
        page = client.get(_new("correction", record)).content.decode()
        assert NOT_FOUND in page, record
        assert world.goal.title not in page
        assert comment.body not in page
        response = _post(client, _new("correction", record), details="It is wrong.")
        assert _messages(response) == [NOT_FOUND]
    with pytest.raises(ValidationError) as refused:
        services.privacy_request_make(
            actor=world.other_whanau,
            kind="correction",
            record_type="learners.goal",
            record_id=world.goal.pk,
            details="It is wrong.",
        )
    assert refused.value.messages == [NOT_FOUND]
    # Staff of the child are not its family: they change goals themselves.
    with pytest.raises(ValidationError):
        services.privacy_request_make(
            actor=world.teacher,
            kind="correction",
            record_type="learners.goal",
            record_id=world.goal.pk,
            details="It is wrong.",
        )
    assert _counts() == before


def test_a_double_submit_makes_one_request(client, world):
    client.force_login(world.whanau)
    token = str(uuid.uuid4())
    for _ in range(2):
        client.post(_new(), {"submission": token, "about": world.student.pk})
    assert PrivacyRequest.objects.count() == 1


def test_only_the_chosen_privacy_officer_sees_the_requests(client, world):
    """A leader who is not the chosen officer, a teacher: no such pages."""
    deputy = factories.LeaderFactory(school=world.school)
    PrivacyPolicy.objects.create(school=world.school, officer=deputy)
    asked = _request(school=world.school, requester=world.whanau)
    for user, status in ((world.leader, 404), (world.teacher, 404), (deputy.user, 200)):
        client.force_login(user)
        assert client.get(reverse("privacy_requests_school")).status_code == status
        detail = reverse("privacy_request_detail", args=[asked.pk])
        assert client.get(detail).status_code == status


def test_the_officer_sends_the_export_once(client, world):
    """Build and send: the export is asked for with the school's choice about the child;
    asked again, the same export, and the page says it is on its way."""
    asked = _request(school=world.school, requester=world.whanau, student=world.student)
    client.force_login(world.leader)
    url = reverse("privacy_request_detail", args=[asked.pk])
    with mock.patch("partnerships.privacy.exports._start"):
        first = _post(client, url, action="export", include_student="on")
        second = _post(client, url, action="export")
    assert PrivacyExport.objects.filter(request=asked).count() == 1
    asked.refresh_from_db()
    assert asked.include_student
    assert "being built" in _messages(first)[0]
    # The first one's message not yet shown, the second's comes after it.
    assert _messages(second)[-1] == "The export is already on its way: nothing more to do."
    page = client.get(url).content.decode()
    assert "Waiting to be built." in page
    assert "Build and send the export" not in page


def test_a_ready_export_is_offered_to_the_person_who_asked(client, world):
    asked = _request(
        school=world.school,
        requester=world.whanau,
        student=world.student,
        status=PrivacyRequest.Status.SENT,
    )
    export = PrivacyExport.objects.create(
        school=world.school,
        request=asked,
        recipient=world.whanau,
        status=PrivacyExport.Status.READY,
        expires_at=datetime.datetime(2030, 5, 7, 0, 0, tzinfo=datetime.UTC),
    )
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_requests")).content.decode()
    assert reverse("privacy_export_download", args=[export.pk]) in page
    assert "The link works until 7 May 2030" in page
    assert "Information sent" in page
