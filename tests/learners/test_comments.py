"""Talking about a goal: whānau voice, the teacher's inbox, editing windows and hiding."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learners.models import GoalComment
from partnerships.models import AuditEvent, Voice
from tests import factories

pytestmark = pytest.mark.django_db


def _post(client, world, body, **headers):
    return client.post(reverse("comment_post", args=[world.goal.pk]), {"body": body}, **headers)


def test_whanau_comment_records_their_voice(client, world):
    """A whānau comment is saved as whānau voice and shown on the goal."""
    client.force_login(world.whanau)
    response = _post(client, world, "He reads the cereal box to us every morning.")
    assert response.status_code == 302
    comment = GoalComment.objects.get()
    assert comment.voice == Voice.WHANAU
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert "cereal box" in page
    assert "What do you see at home?" in page


def test_posting_with_htmx_returns_the_thread(client, world):
    """With htmx the thread comes back in place, with the new comment and an empty box."""
    client.force_login(world.student_user)
    response = _post(client, world, "I finished my book!", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<section aria-labelledby="comments-heading"')
    assert "I finished my book!" in content
    assert GoalComment.objects.get().voice == Voice.STUDENT


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_empty_or_too_long_comment_saves_nothing(client, world, body):
    """An empty or over-long comment is explained and nothing is saved."""
    client.force_login(world.whanau)
    response = _post(client, world, body, headers={"HX-Request": "true"})
    assert "is-invalid" in response.content.decode()
    assert not GoalComment.objects.exists()


def test_author_edits_within_fifteen_minutes(client, world, time_machine):
    """An author may change their comment for 15 minutes, then it is fixed."""
    client.force_login(world.whanau)
    _post(client, world, "First thought")
    comment = GoalComment.objects.get()
    url = reverse("comment_edit", args=[comment.pk])
    client.post(url, {"body": "Better thought"})
    comment.refresh_from_db()
    assert comment.body == "Better thought"
    assert comment.edited_at is not None
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16))
    response = client.post(url, {"body": "Too late"})
    assert "first 15 minutes" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Better thought"


def test_only_the_author_can_edit_or_delete(client, world):
    """Someone else's comment cannot be edited or deleted: 404, nothing changes."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    client.force_login(world.teacher)
    assert client.get(reverse("comment_edit", args=[comment.pk])).status_code == 404
    assert client.post(reverse("comment_delete", args=[comment.pk])).status_code == 404
    assert GoalComment.objects.filter(pk=comment.pk).exists()


def test_author_deletes_their_own_comment(client, world):
    """Deleting your own comment removes it and leaves a note in the audit trail."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    client.force_login(world.whanau)
    client.post(reverse("comment_delete", args=[comment.pk]))
    assert not GoalComment.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETED, actor=world.whanau).exists()


def test_teacher_hides_a_comment_with_a_reason(client, world):
    """A hidden comment disappears for whānau; the reason is in the audit trail, for staff."""
    comment = factories.GoalCommentFactory(
        goal=world.goal, author=world.whanau, body="Oops, private"
    )
    client.force_login(world.teacher)
    client.post(
        reverse("comment_hide", args=[comment.pk]), {"reason": "Shared another child's name"}
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGED, actor=world.teacher)
    assert "another child" in event.staff_note
    assert "another child" not in event.summary
    client.force_login(world.student_user)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert "Oops, private" not in page


def test_hiding_needs_a_reason(client, world):
    """Hiding without a reason is refused."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    client.force_login(world.teacher)
    client.post(reverse("comment_hide", args=[comment.pk]), {"reason": ""})
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_whanau_cannot_hide_comments(client, world):
    """Hiding is for the student's teachers: whānau get a 404."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.teacher, voice="teacher")
    client.force_login(world.whanau)
    response = client.post(reverse("comment_hide", args=[comment.pk]), {"reason": "no"})
    assert response.status_code == 404


def test_inbox_lists_unanswered_whanau_comments_oldest_first(client, world, time_machine):
    """The inbox shows whānau comments waiting for an answer, oldest first, until answered."""
    time_machine.move_to(timezone.now() - datetime.timedelta(days=2))
    older = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Older one")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    newer = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Newer one")
    client.force_login(world.teacher)
    response = client.get(reverse("inbox"))
    assert list(response.context["page"]) == [older, newer]
    # Answering from the inbox (htmx) answers both: they are on the same goal.
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]),
        {"body": "Ka pai! Thank you.", "next": reverse("inbox")},
        headers={"HX-Request": "true"},
    )
    assert "Answered" in response.content.decode()
    assert list(client.get(reverse("inbox")).context["page"]) == []


def test_inbox_without_javascript_returns_to_the_inbox(client, world):
    """Answering from the inbox without htmx comes back to the inbox with a message."""
    factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    client.force_login(world.teacher)
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]),
        {"body": "Thanks!", "next": reverse("inbox")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert "Your answer is posted." in response.content.decode()


def test_inbox_is_only_for_my_students(client, world):
    """Another teacher's inbox does not show comments on students they don't teach."""
    factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    client.force_login(world.other_teacher)
    assert list(client.get(reverse("inbox")).context["page"]) == []


def test_redirect_after_posting_stays_on_this_site(client, world):
    """A forged next address leading off the site is ignored."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]),
        {"body": "Hi", "next": "https://evil.example/"},
    )
    assert response.url.startswith(reverse("goal_detail", args=[world.goal.pk]))


def test_without_javascript_a_too_long_comment_is_kept_to_fix(client, world):
    """Posting an over-long comment without htmx shows the error and keeps the words."""
    client.force_login(world.whanau)
    body = "We read together every night. " * 70  # over 2,000 characters
    response = _post(client, world, body)
    assert response.status_code == 400
    content = response.content.decode()
    assert "under 2000 characters" in content
    assert "We read together every night." in content
    assert not GoalComment.objects.exists()
