"""Replies to the weekly update reach teachers, answers reach those who replied, and the
teacher's inbox lists whānau replies waiting for an answer and answers them in place."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conversations.weekly import services
from conversations.weekly.models import UpdateReply, WeeklyUpdate
from partnerships import notices, outbox
from partnerships.models import AuditEvent, Notice, Voice
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
# A Thursday morning at Kōwhai School; teachers' daily digest goes at 5 pm.
THURSDAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=NZ)
DIGEST_TIME = datetime.datetime(2026, 11, 26, 17, 1, tzinfo=NZ)
REPLY = "Ka rawe! She told us all about the eruption at dinner."


@pytest.fixture
def update(world, time_machine):
    """Last week's update, gone home to the world's whānau."""
    time_machine.move_to(THURSDAY, tick=False)
    return WeeklyUpdate.objects.create(
        student=world.student,
        week=world.school.week_of(timezone.now()) - datetime.timedelta(weeks=1),
        learned="How volcanoes make islands.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        queued_at=timezone.now(),
    )


def _reply(client, person, update, body=REPLY):
    client.force_login(person)
    return client.post(reverse("weekly_update_detail", args=[update.pk]), {"body": body})


def _answer(client, update, body="Kia ora, thank you!", **headers):
    return client.post(
        reverse("weekly_update_answer", args=[update.pk]), {"body": body}, headers=headers
    )


def test_a_whanau_reply_tells_the_students_teachers(client, world, update):
    """The class teacher gets a notice with an excerpt and a link to the replies; no one else."""
    _reply(client, world.whanau, update)
    (notice,) = Notice.objects.filter(kind="update_reply")
    assert notice.user == world.teacher
    assert notice.excerpt == REPLY
    assert notice.url == reverse("weekly_update_detail", args=[update.pk]) + "#replies"
    assert notices.sentence(notice, to_student=False) == (
        f"{world.whanau.name} replied to {world.student.display_name}’s weekly update"
    )


def test_the_teachers_daily_digest_brings_the_reply(client, world, update, time_machine):
    """By default the reply waits for the teacher's 5 pm digest, then comes by email."""
    _reply(client, world.whanau, update)
    outbox.send_due()
    assert mail.outbox == []
    time_machine.move_to(DIGEST_TIME, tick=False)
    outbox.send_due()
    (message,) = mail.outbox
    assert message.to == [world.teacher.email]
    sentence = f"{world.whanau.name} replied to {world.student.display_name}’s weekly update"
    assert message.subject == sentence
    assert sentence in message.body
    assert REPLY in message.body
    html = message.alternatives[0].content
    assert "She told us all about the eruption at dinner." in html


def test_a_reply_is_in_the_audit_trail(client, world, update):
    """Each reply is recorded: who, about which student, and which reply."""
    _reply(client, world.whanau, update)
    reply = UpdateReply.objects.get()
    event = AuditEvent.objects.get(object_type="conversations.updatereply")
    assert (event.actor, event.student, event.object_id) == (world.whanau, world.student, reply.pk)
    assert event.action == AuditEvent.Action.CREATED


def test_a_teachers_answer_tells_those_who_replied(client, world, update):
    """The whānau member and the student who replied hear of the answer; other whānau don't."""
    factories.WhanauLinkFactory(student=world.student)  # has access, but did not reply
    _reply(client, world.whanau, update)
    _reply(client, world.student_user, update, body="Thanks for reading it!")
    services.weekly_update_reply(
        update=update, by=world.teacher, voice=Voice.TEACHER, body="Ka pai, whānau!"
    )
    told = Notice.objects.filter(kind="update_answered")
    assert {(n.whanau_id, n.user_id) for n in told} == {
        (world.link.whanau.pk, None),
        (None, world.student_user.pk),
    }
    student_notice = told.get(user=world.student_user)
    assert notices.sentence(student_notice, to_student=True) == (
        f"{world.teacher.name} answered your reply to your weekly update"
    )
    # Teachers heard of the whānau reply only: not of the student's, nor of their own answer.
    assert Notice.objects.filter(kind="update_reply").count() == 1


def test_no_contact_whanau_hear_nothing_of_an_answer(client, world, update):
    """Someone since marked “no access / no contact” is not told, though they replied before."""
    UpdateReply.objects.create(
        update=update, author=world.no_access_whanau, voice=Voice.WHANAU, body="Earlier"
    )
    services.weekly_update_reply(
        update=update, by=world.teacher, voice=Voice.TEACHER, body="Thank you."
    )
    assert not Notice.objects.filter(whanau__user=world.no_access_whanau).exists()
    assert not Notice.objects.filter(kind="update_answered").exists()


def test_the_inbox_lists_unanswered_replies_for_my_students_only(client, world, update):
    """The class teacher sees the waiting reply; a teacher of another class does not."""
    _reply(client, world.whanau, update)
    client.force_login(world.teacher)
    page = client.get(reverse("inbox")).content.decode()
    assert "Replies to weekly updates" in page
    assert "She told us all about the eruption at dinner." in page
    client.force_login(world.other_teacher)
    page = client.get(reverse("inbox")).content.decode()
    assert "She told us all about the eruption at dinner." not in page
    assert "Replies to weekly updates" not in page


def test_the_inbox_answers_a_reply_in_place(client, world, update):
    """Answering with htmx shows it answered, posts in the teacher's voice and tells whānau."""
    _reply(client, world.whanau, update)
    client.force_login(world.teacher)
    response = _answer(client, update, **{"HX-Request": "true"})
    assert "Answered on" in response.content.decode()
    answer = UpdateReply.objects.latest("pk")
    assert (answer.author, answer.voice) == (world.teacher, Voice.TEACHER)
    assert "She told us all about" not in client.get(reverse("inbox")).content.decode()
    assert Notice.objects.get(kind="update_answered").whanau == world.link.whanau


def test_a_leaders_answer_is_in_the_leaders_voice(client, world, update):
    """A leader answering from their inbox speaks for the school as a leader."""
    _reply(client, world.whanau, update)
    client.force_login(world.leader)
    _answer(client, update)
    assert UpdateReply.objects.latest("pk").voice == Voice.LEADER


def test_an_answer_without_javascript_returns_to_the_inbox(client, world, update):
    """Without htmx the answer is posted and the inbox says so."""
    _reply(client, world.whanau, update)
    client.force_login(world.teacher)
    response = client.post(
        reverse("weekly_update_answer", args=[update.pk]), {"body": "Thank you!"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert "Your answer is posted." in response.content.decode()


def test_an_empty_answer_is_explained_and_not_posted(client, world, update):
    """An empty answer keeps the reply waiting and says what is missing."""
    _reply(client, world.whanau, update)
    client.force_login(world.teacher)
    response = _answer(client, update, body="", **{"HX-Request": "true"})
    page = response.content.decode()
    assert "Write something before sending your reply." in page
    assert "She told us all about the eruption at dinner." in page
    assert UpdateReply.objects.count() == 1


def test_only_the_students_staff_may_answer(client, world, update):
    """A teacher of another class gets a 404 and nothing is posted."""
    client.force_login(world.other_teacher)
    assert _answer(client, update).status_code == 404
    assert not UpdateReply.objects.exists()


def test_the_inbox_gathers_several_replies_under_their_update(client, world, update):
    """Two replies to one update wait as one item, answered together."""
    _reply(client, world.whanau, update, body="First from home")
    other = factories.WhanauLinkFactory(student=world.student).whanau.user
    _reply(client, other, update, body="Second from home")
    client.force_login(world.teacher)
    (section,) = client.get(reverse("inbox")).context["sections"]
    (item,) = section[1]["items"]
    assert [reply.body for reply in item["replies"]] == ["First from home", "Second from home"]
