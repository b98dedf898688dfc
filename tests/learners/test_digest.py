"""The teachers' digest: new whānau comments reach the teacher as one email, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from learners import digests, services
from learners.models import CommentNotice
from learners.tasks import send_comment_digests
from partnerships.models import Voice

pytestmark = pytest.mark.django_db


def _whanau_comments(world, *bodies):
    for body in bodies:
        services.comment_post(goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body=body)


def test_two_comments_make_one_email(world):
    """Two whānau comments reach the class teacher as one digest with both, in text and HTML."""
    _whanau_comments(world, "Reads at bedtime now", "Asked for more books")
    assert send_comment_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.teacher.email]
    assert "2 new comments" in message.subject
    for body in (message.body, message.alternatives[0].content):
        assert "Reads at bedtime now" in body
        assert "Asked for more books" in body
        assert "/inbox/" in body


def test_running_again_sends_nothing_more(world):
    """A repeated beat, or a retried task, never sends the same comment twice."""
    _whanau_comments(world, "Once only")
    send_comment_digests()
    send_comment_digests()
    assert digests.comment_digest_send(recipient_id=world.teacher.pk) == 0
    assert len(mail.outbox) == 1


def test_teacher_comments_are_not_digested(world):
    """The school's own comments make no notice."""
    services.comment_post(goal=world.goal, by=world.teacher, voice=Voice.TEACHER, body="Hi")
    assert not CommentNotice.objects.exists()


def test_hidden_before_sending_is_left_out(world):
    """A comment hidden before the digest goes is not sent."""
    _whanau_comments(world, "Please hide me")
    comment = world.goal.comments.get()
    services.comment_hide(comment=comment, by=world.teacher, reason="private")
    send_comment_digests()
    assert mail.outbox == []
    assert not CommentNotice.objects.filter(sent_at__isnull=True).exists()


def test_a_worker_that_died_mid_send_is_recovered(world, time_machine):
    """Rows claimed by a worker that died are sent by a later run, once."""
    _whanau_comments(world, "Lost in a crash?")
    CommentNotice.objects.update(claimed_at=timezone.now())  # claimed, never sent
    assert send_comment_digests() == 0
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    assert send_comment_digests() == 1
    assert len(mail.outbox) == 1
    assert "Lost in a crash?" in mail.outbox[0].body


def test_mail_failure_gives_the_claim_back(world, monkeypatch):
    """If the mail server fails, the comment stays waiting for the retry."""
    _whanau_comments(world, "Try again")

    def fail(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    with pytest.raises(OSError, match="mail server down"):
        digests.comment_digest_send(recipient_id=world.teacher.pk)
    monkeypatch.undo()
    assert digests.comment_digest_send(recipient_id=world.teacher.pk) == 1
    assert len(mail.outbox) == 1
