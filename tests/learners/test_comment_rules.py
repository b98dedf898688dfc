"""Who hears of a comment, who may change it, and what a bad answer from the inbox does."""

import pytest
from django.urls import reverse

from learners import services
from learners.models import GoalComment
from learners.notices import WHANAU_COMMENT, comment_key
from partnerships.models import Notice, Voice
from tests import factories

pytestmark = pytest.mark.django_db


def _recipients(comment):
    told = Notice.objects.filter(kind=WHANAU_COMMENT, key=comment_key(comment.pk))
    return set(told.values_list("user", flat=True))


def test_a_whanau_comment_is_told_to_the_class_teacher_and_the_mentor(world):
    """The class teacher and an assigned mentor each get a notice; nobody else does."""
    world.student.assigned_teachers.add(world.other_teacher)
    comment = services.comment_post(
        goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body="He reads at bedtime now."
    )
    assert _recipients(comment) == {world.teacher.pk, world.other_teacher.pk}


def test_a_teacher_who_has_left_is_not_told(world):
    """A deactivated teacher's account gets no notice of new whānau comments."""
    world.teacher.is_active = False
    world.teacher.save()
    comment = services.comment_post(
        goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body="Thank you!"
    )
    assert _recipients(comment) == set()


def test_a_teacher_who_is_also_whanau_is_not_told_of_their_own_comment(world):
    """A teacher commenting as their own child's whānau gets no notice of their own words."""
    factories.WhanauLinkFactory(
        student=world.student,
        whanau=factories.WhanauMemberFactory(school=world.school, user=world.teacher),
    )
    comment = services.comment_post(
        goal=world.goal, by=world.teacher, voice=Voice.WHANAU, body="Proud of her."
    )
    assert _recipients(comment) == set()


def test_school_and_student_comments_are_not_told_to_teachers(world):
    """Only whānau voice goes to the teachers' digest."""
    for by, voice in ((world.teacher, Voice.TEACHER), (world.student_user, Voice.STUDENT)):
        services.comment_post(goal=world.goal, by=by, voice=voice, body="Kia ora")
    assert not Notice.objects.filter(kind=WHANAU_COMMENT).exists()


def test_the_services_refuse_changes_by_anyone_but_the_author(world):
    """Editing or deleting someone else's comment is refused by the service itself."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Mine")
    with pytest.raises(services.CommentLockedError, match="Only the person who wrote"):
        services.comment_edit(comment=comment, by=world.teacher, body="Rewritten")
    with pytest.raises(services.CommentLockedError, match="Only the person who wrote"):
        services.comment_delete(comment=comment, by=world.teacher)
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_the_edit_page_shows_the_comment_as_it_stands(client, world):
    """The author's edit page holds their words, ready to change."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Kia ora")
    client.force_login(world.whanau)
    response = client.get(reverse("comment_edit", args=[comment.pk]))
    assert response.context["form"]["body"].value() == "Kia ora"


def test_an_empty_edit_is_refused(client, world):
    """Emptying a comment is explained, and the comment keeps its words."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Kia ora")
    client.force_login(world.whanau)
    response = client.post(reverse("comment_edit", args=[comment.pk]), {"body": ""})
    assert "Write something before posting." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Kia ora"
    assert comment.edited_at is None


def test_an_empty_answer_from_the_inbox_goes_back_with_a_message(client, world):
    """Without htmx, an empty answer returns to the inbox saying what's missing; none is saved."""
    waiting = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    client.force_login(world.teacher)
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]),
        {"body": "", "next": reverse("inbox")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert "Write something before posting." in response.content.decode()
    assert list(GoalComment.objects.all()) == [waiting]
    assert list(response.context["page"]) == [waiting]


def test_the_teacher_still_sees_a_hidden_comment_marked_hidden(client, world):
    """Hidden comments stay visible to the student's teachers, with who hid them and why."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Oops")
    services.comment_hide(comment=comment, by=world.leader, reason="Named another child")
    client.force_login(world.teacher)
    response = client.get(world.goal.get_absolute_url())
    assert comment in list(response.context["comments"])
    assert f"Hidden by {world.leader.name}: Named another child" in response.content.decode()
    client.force_login(world.whanau)
    response = client.get(world.goal.get_absolute_url())
    assert comment not in list(response.context["comments"])
