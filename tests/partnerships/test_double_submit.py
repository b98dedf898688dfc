"""Double submits are harmless: the same form posted twice shows the first's result and
creates nothing more."""

import uuid

import pytest
from django.urls import reverse

from conversations.models import Booking
from learners.models import GoalComment
from partnerships.models import Submission
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_comment_posted_twice_is_one_comment(client, world):
    """A double click on "Post" leaves one comment; the second post goes where the first did."""
    client.force_login(world.whanau)
    url = reverse("comment_post", args=[world.goal.pk])
    form = {"body": "We read together every night.", "submission": str(uuid.uuid4())}
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert GoalComment.objects.filter(goal=world.goal).count() == 1


def test_a_comment_posted_twice_in_place_changes_nothing_the_second_time(client, world):
    """With htmx, the second post answers "nothing to do" and the thread stays as it was."""
    client.force_login(world.whanau)
    url = reverse("comment_post", args=[world.goal.pk])
    form = {"body": "Ka pai!", "submission": str(uuid.uuid4())}
    assert client.post(url, form, headers={"HX-Request": "true"}).status_code == 200
    assert client.post(url, form, headers={"HX-Request": "true"}).status_code == 204
    assert GoalComment.objects.filter(goal=world.goal).count() == 1


def test_a_booking_submitted_twice_is_one_booking_and_never_taken(client, world):
    """The family sees their booking again, not "someone has just booked that time"."""
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school), host=world.teacher
    )
    client.force_login(world.whanau)
    url = reverse("slot_book", args=[slot.pk, world.student.pk])
    form = {"how": "in_person", "submission": str(uuid.uuid4())}
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Booking.objects.filter(student=world.student).count() == 1


def test_a_failed_post_does_not_use_up_its_token(client, world):
    """A form sent back with an error can be fixed and sent again with the same token."""
    client.force_login(world.whanau)
    url = reverse("comment_post", args=[world.goal.pk])
    token = str(uuid.uuid4())
    assert client.post(url, {"body": "", "submission": token}).status_code == 400
    assert not Submission.objects.exists()
    assert client.post(url, {"body": "Fixed", "submission": token}).status_code == 302
    assert GoalComment.objects.filter(goal=world.goal).count() == 1


def test_a_token_is_only_its_owners(client, world):
    """Someone else's token is no shortcut to where their form went."""
    token = str(uuid.uuid4())
    client.force_login(world.whanau)
    client.post(reverse("comment_post", args=[world.goal.pk]), {"body": "One", "submission": token})
    client.force_login(world.teacher)
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]), {"body": "Two", "submission": token}
    )
    assert response.status_code == 302
    assert GoalComment.objects.filter(goal=world.goal).count() == 1  # the unique token holds


def test_the_weeks_first_update_saved_twice_is_one_update(client, world):
    """A double click on the first save of the week: one update, no error page."""
    from conversations.models import WeeklyUpdate

    client.force_login(world.student_user)
    form = {"learned": "Fractions with pizza.", "submission": str(uuid.uuid4())}
    first = client.post(reverse("weekly_update_write"), form)
    second = client.post(reverse("weekly_update_write"), form)
    assert first.status_code == second.status_code == 302
    assert WeeklyUpdate.objects.filter(student=world.student).count() == 1


def test_tokens_are_let_go_after_a_day(client, world):
    """The table of posted forms does not grow for ever; a recent token still holds."""
    import datetime

    from django.utils import timezone

    from partnerships.tasks import forget_old_submissions

    old = Submission.objects.create(token=uuid.uuid4(), user=world.whanau, url="/")
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    recent = Submission.objects.create(token=uuid.uuid4(), user=world.whanau, url="/")
    assert forget_old_submissions() == 1
    assert list(Submission.objects.all()) == [recent]
