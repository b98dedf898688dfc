"""A student who leaves: their record kept to read by their whānau and leaders, and closed to
anything new; out of the lists of current students; no card, no weekly email."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conversations import booking
from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from learners.models import Goal, GoalComment
from partnerships import invitations, outbox
from partnerships.access import students_managed_by, students_visible_to
from partnerships.models import AuditEvent, Invitation, SignInCard, Student
from partnerships.year import services
from tests import factories
from tests.access.objects import Things

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 4, 1, 0, tzinfo=datetime.UTC)  # Fri 2pm in Auckland


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return timezone.localdate()


def _leave(client, world, **data):
    client.force_login(world.leader)
    return client.post(reverse("student_leave", args=[world.student.pk]), data)


def test_leader_marks_a_student_as_left(client, world, today):
    """The student leaves their class on the day given; the record history says which class."""
    room = world.classroom.name
    client.force_login(world.leader)
    page = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert reverse("student_leave", args=[world.student.pk]) in page
    response = _leave(client, world, left_on="2026-12-01")
    assert response.status_code == 302
    student = Student.objects.get(pk=world.student.pk)
    assert student.left_on == datetime.date(2026, 12, 1)
    assert student.left_marked_at == timezone.now()  # retention shows them from now
    assert student.classroom is None
    event = AuditEvent.objects.filter(student=student, action="changed").latest("pk")
    assert "Left the school on" in event.summary
    assert room in event.summary
    page = client.get(reverse("student_detail", args=[student.pk])).content.decode()
    assert "left the school on 1 December 2026" in page
    assert reverse("student_return", args=[student.pk]) in page


def test_leaving_date_defaults_to_today(client, world, today):
    """With no date given the student left today."""
    _leave(client, world)
    assert Student.objects.get(pk=world.student.pk).left_on == today


def test_leaving_date_in_the_future_is_refused(client, world, today):
    """A date after today is refused with a message, and nothing changes."""
    response = _leave(client, world, left_on="2027-01-20")
    assert response.status_code == 302
    student = Student.objects.get(pk=world.student.pk)
    assert student.left_on is None
    assert student.classroom == world.classroom
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["The leaving date can’t be in the future."]


def test_nonsense_date_is_refused(client, world, today):
    """A date that is not a date is a message, not an error page, and nothing changes."""
    response = _leave(client, world, left_on="31/31/2026")
    assert response.status_code == 302
    assert Student.objects.get(pk=world.student.pk).left_on is None


def test_teacher_cannot_mark_a_student_as_left(client, world):
    """Leaving is a leader's to mark: a teacher gets no such page."""
    client.force_login(world.teacher)
    response = client.post(reverse("student_leave", args=[world.student.pk]))
    assert response.status_code == 404
    assert Student.objects.get(pk=world.student.pk).left_on is None


def test_another_schools_leader_cannot_reach_the_student(client, world):
    """Another school's leader gets a 404, and the student stays."""
    client.force_login(world.other_school_leader)
    response = client.post(reverse("student_leave", args=[world.student.pk]))
    assert response.status_code == 404
    assert Student.objects.get(pk=world.student.pk).left_on is None


def test_return_undoes_a_mistake(client, world, today):
    """A leaving marked by mistake is undone: current again, in no class yet."""
    _leave(client, world)
    response = client.post(reverse("student_return", args=[world.student.pk]))
    assert response.status_code == 302
    student = Student.objects.get(pk=world.student.pk)
    assert student.left_on is None
    assert student.left_marked_at is None
    assert student in students_managed_by(world.leader)
    assert "Back at the school" in AuditEvent.objects.filter(student=student).latest("pk").summary


def test_sign_in_card_stops_working(client, world, today):
    """The leaver's card is revoked: typing its code signs nobody in."""
    card = factories.SignInCardFactory(student=world.student)
    _leave(client, world)
    client.logout()
    assert not SignInCard.objects.active().filter(pk=card.pk).exists()
    response = client.post(reverse("card_sign_in"), {"code": card.code}, follow=True)
    assert response.context["user"].is_anonymous


def test_leaver_leaves_the_lists_of_current_students(client, world, today):
    """Not in the class list, the school's students, or a teacher's students any more."""
    _leave(client, world)
    assert world.student not in students_managed_by(world.leader)
    assert world.student not in students_managed_by(world.teacher)
    page = client.get(reverse("school_students")).content.decode()
    assert world.student.last_name not in page
    client.force_login(world.teacher)
    page = client.get(reverse("class_detail", args=[world.classroom.pk])).content.decode()
    assert world.student.last_name not in page
    assert world.classmate.last_name in page


def test_whanau_and_leaders_still_read_the_record(client, world, today):
    """Whānau and the school's leaders still see the goal; the class teacher no longer does."""
    _leave(client, world)
    url = reverse("goal_detail", args=[world.goal.pk])
    for reader in (world.whanau, world.leader):
        client.force_login(reader)
        assert world.goal.title in client.get(url).content.decode()
    assert world.student in students_visible_to(world.whanau)
    client.force_login(world.teacher)
    assert client.get(url).status_code == 404


def test_leaders_still_read_the_staff_side_of_a_leavers_record(client, world, today):
    """Nobody manages a leaver's record, but their leaders still read all of it: a comment
    hidden by staff and the whānau list; the whānau member reads neither, and no form to add."""
    hidden = factories.GoalCommentFactory(
        goal=world.goal, author=world.whanau, body="Kept from view", hidden_at=timezone.now()
    )
    _leave(client, world)
    goal_url = reverse("goal_detail", args=[world.goal.pk])
    client.force_login(world.leader)
    page = client.get(goal_url).content.decode()
    assert hidden.body in page
    assert reverse("comment_post", args=[world.goal.pk]) not in page
    student_page = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert world.link.whanau.name in student_page
    assert f'href="{reverse("student_whanau", args=[world.student.pk])}"' not in student_page
    client.force_login(world.whanau)
    page = client.get(goal_url).content.decode()
    assert hidden.body not in page
    assert "nothing more can be added" in page
    assert reverse("goal_agree", args=[world.goal.pk]) not in page


def test_whanau_sees_the_goal_but_cannot_comment(client, world, today):
    """A whānau comment on a leaver's goal is refused with a reason, and nothing is posted."""
    _leave(client, world)
    client.force_login(world.whanau)
    response = client.post(reverse("comment_post", args=[world.goal.pk]), {"body": "Ka pai"})
    assert response.status_code == 403
    assert "left the school" in response.content.decode()
    assert not GoalComment.objects.filter(goal=world.goal).exists()


def test_nobody_adds_a_goal(client, world, today):
    """The teacher has no such page; a leader is refused with a reason; no goal is added."""
    _leave(client, world)
    url = reverse("goal_create", args=[world.student.pk])
    data = {"title": "Swim", "success_criteria": "25 metres"}
    client.force_login(world.teacher)
    assert client.post(url, data).status_code == 404
    client.force_login(world.leader)
    response = client.post(url, data)
    assert response.status_code == 403
    assert "nothing more can be added" in response.content.decode()
    assert list(Goal.objects.filter(student=world.student)) == [world.goal]


def test_student_cannot_write_a_weekly_update(client, world, today):
    """The leaver's own weekly update is refused, and none is written."""
    _leave(client, world)
    client.force_login(world.student_user)
    response = client.post(reverse("weekly_update_write"), {"learned": "Kites", "submit": "1"})
    assert response.status_code == 403
    assert not WeeklyUpdate.objects.filter(student=world.student).exists()


def test_booking_for_a_leaver_is_refused(world, today):
    """A booking for a leaver is a clear refusal, and none is made."""
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school), host=world.teacher
    )
    services.student_leave(student=world.student, by=world.leader, left_on=today)
    student = Student.objects.get(pk=world.student.pk)
    with pytest.raises(ValidationError, match="left the school"):
        booking.booking_create(slot=slot, student=student, whanau=world.link.whanau, details={})
    assert not slot.bookings.exists()


def _approved_update(world, today):
    return WeeklyUpdate.objects.create(
        student=world.student,
        week=today - datetime.timedelta(days=today.weekday()),
        learned="Kites and wind.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by=world.teacher,
    )


def test_no_more_weekly_emails(world, today):
    """An approved update of a leaver is not sent home, and their whānau get no email."""
    update = _approved_update(world, today)
    services.student_leave(student=world.student, by=world.leader, left_on=today)
    assert sending.deliveries_create(school_id=world.school.pk, week=update.week) == 0


def test_an_email_written_before_leaving_is_not_sent(world, today):
    """An update email already waiting in the outbox when the student leaves is not sent."""
    update = _approved_update(world, today)
    assert sending.deliveries_create(school_id=world.school.pk, week=update.week) == 1
    services.student_leave(student=world.student, by=world.leader, left_on=today)
    outbox.send_due()
    assert mail.outbox == []
    delivery = UpdateDelivery.objects.get(update=update)
    assert delivery.status == UpdateDelivery.Status.FAILED
    assert delivery.reason == sending.LEFT


def test_leaver_leaves_the_weeks_updates_and_who_has_not_booked(client, world, today):
    """The teacher's week of updates and a round's not-booked list no longer name them."""
    conversation_round = factories.RoundFactory(school=world.school)
    _leave(client, world)
    client.force_login(world.teacher)
    for url in (
        reverse("weekly_update_week"),
        reverse("round_not_booked", args=[conversation_round.pk]),
    ):
        page = client.get(url).content.decode()
        assert world.classmate.last_name in page
        assert world.student.last_name not in page


def test_leaders_find_leavers_in_a_list_of_their_own(client, world, today):
    """A leaver is on the leaders' list of students who have left, with the day, and on no
    list of current students; a teacher asking for leavers gets their own class as before."""
    _leave(client, world, left_on="2026-12-01")
    url = reverse("school_students")
    page = client.get(url, {"left": "1"}).content.decode()
    assert world.student.full_name in page
    assert "1 Dec 2026" in page
    assert world.student.full_name not in client.get(url).content.decode()
    client.force_login(world.teacher)
    page = client.get(url, {"left": "1"}).content.decode()
    assert world.student.full_name not in page
    assert "Students who have left" not in page


def test_an_invitation_to_a_leavers_whanau_is_withdrawn(client, world, today):
    """An invitation sent before the student left no longer works: nobody new comes to a
    record kept only to read."""
    invitations.invitation_create_whanau(
        student=world.student,
        email="koro@example.org",
        name="Koro",
        relationship="grandparent",
        language="en",
        by=world.teacher,
    )
    outbox.send_due()
    key = re.search(r"/invitations/(\S+)/", mail.outbox[-1].body).group(1)
    _leave(client, world)
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(key=key, name="Koro")
    assert not Invitation.objects.filter(student=world.student).exists()


def test_a_leavers_whanau_cannot_write_on_their_report(client, world, today):
    """“How you can help at home” on a leaver's report is refused with the reason, not saved."""
    report = Things(world).published_report
    _leave(client, world)
    client.force_login(world.whanau)
    response = client.post(
        reverse("report_home_help", args=[report.pk]), {"home-text": "We read at home"}, follow=True
    )
    assert "left the school" in response.content.decode()
    report.refresh_from_db()
    assert report.home_help == ""


def test_a_leader_can_still_take_a_leavers_whanau_access_away(client, world, today):
    """A court order after a child left: the leader turns access off on the leaver's page;
    giving it back is refused."""
    _leave(client, world)
    url = reverse("whanau_link_edit", args=[world.student.pk, world.link.pk])
    page = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert url in page
    member = world.link.whanau
    body = {
        "link-relationship": world.link.relationship,
        "member-name": member.name,
        "member-preferred_language": member.preferred_language,
        "member-preferred_contact": member.preferred_contact,
    }
    assert client.post(url, body).status_code == 302
    world.link.refresh_from_db()
    assert not world.link.has_access
    response = client.post(url, body | {"link-has_access": "on"})
    assert "can be taken away, not given back" in response.content.decode()
    world.link.refresh_from_db()
    assert not world.link.has_access
    client.force_login(world.teacher)
    assert client.get(url).status_code == 404
