"""The teachers' digest: new whānau comments reach the teacher as one email, once.

The hourly run writes the digests to the outbox; ``outbox.send_due()`` is the sender.
"""

import datetime
from smtplib import SMTPResponseException

import pytest
from django.core import mail
from django.utils import timezone

from learners import digests, services
from learners.models import CommentNotice
from learners.tasks import send_comment_digests
from partnerships import outbox
from partnerships.models import OutboxEmail, Voice
from tests import factories

pytestmark = pytest.mark.django_db


def _whanau_comments(world, *bodies):
    for body in bodies:
        services.comment_post(goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body=body)


def test_two_comments_make_one_email(world):
    """Two whānau comments reach the class teacher as one digest with both, in text and HTML."""
    _whanau_comments(world, "Reads at bedtime now", "Asked for more books")
    assert send_comment_digests() == 1
    assert outbox.send_due().sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.teacher.email]
    assert "2 new comments" in message.subject
    for body in (message.body, message.alternatives[0].content):
        assert "Reads at bedtime now" in body
        assert "Asked for more books" in body
        assert "/inbox/" in body
    assert not CommentNotice.objects.filter(sent_at__isnull=True).exists()


def test_running_again_sends_nothing_more(world, django_capture_on_commit_callbacks):
    """A repeated hourly run, or the sender running twice, never sends a comment twice."""
    _whanau_comments(world, "Once only")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_comment_digests() == 1
    assert send_comment_digests() == 0
    assert outbox.send_due().sent == 0
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().params["recipient"] == world.teacher.pk


def test_each_comment_is_in_one_digest_while_one_waits(world):
    """A digest still waiting when new comments come: the next digest holds only the new ones."""
    _whanau_comments(world, "First thing")
    send_comment_digests()
    _whanau_comments(world, "Second thing")
    assert send_comment_digests() == 1
    assert outbox.send_due().sent == 2
    first, second = mail.outbox
    assert "First thing" in first.body
    assert "Second thing" not in first.body
    assert "Second thing" in second.body
    assert "First thing" not in second.body


def test_teacher_comments_are_not_digested(world):
    """The school's own comments make no notice."""
    services.comment_post(goal=world.goal, by=world.teacher, voice=Voice.TEACHER, body="Hi")
    assert not CommentNotice.objects.exists()
    assert send_comment_digests() == 0


def test_hidden_before_sending_is_left_out(world):
    """A comment hidden before the digest goes is not sent; a digest left empty is not sent."""
    _whanau_comments(world, "Please hide me")
    send_comment_digests()
    comment = world.goal.comments.get()
    services.comment_hide(comment=comment, by=world.teacher, reason="private")
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []
    assert OutboxEmail.objects.get().reason == digests.NOTHING_LEFT
    assert send_comment_digests() == 0  # it is not tried again


def test_a_teacher_who_left_the_class_is_not_sent_it(world):
    """The access rules decide again at sending time: a teacher moved to another class meanwhile
    is not sent comments about a student they no longer teach."""
    _whanau_comments(world, "For our teacher")
    send_comment_digests()
    world.classroom.teachers.set([factories.StaffFactory(school=world.school).user])
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []


def test_a_teacher_who_has_left_is_sent_nothing(world):
    """A teacher whose account was closed before the digest went is skipped, with the reason."""
    _whanau_comments(world, "Hello")
    send_comment_digests()
    world.teacher.is_active = False
    world.teacher.save()
    assert outbox.send_due().skipped == 1
    assert OutboxEmail.objects.get().reason == digests.NO_ADDRESS


def test_mail_server_busy_sends_the_digest_later_once(world, monkeypatch, time_machine):
    """If the mail server asks us to wait, the comments stay unsent, and go later, once."""
    _whanau_comments(world, "Try again")
    send_comment_digests()

    def busy(*args, **kwargs):
        raise SMTPResponseException(451, b"try again later")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", busy)
    assert outbox.send_due().retrying == 1
    assert CommentNotice.objects.filter(sent_at__isnull=True).exists()
    monkeypatch.undo()
    assert send_comment_digests() == 0
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
    assert outbox.send_due().sent == 1
    assert len(mail.outbox) == 1
    assert "Try again" in mail.outbox[0].body
    assert not CommentNotice.objects.filter(sent_at__isnull=True).exists()
