"""Staff reads of a student's record are audited, a row a visit: each page of the record, and
the pages listing many students (a class list, a round's bookings), one row per child listed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from partnerships import audit
from partnerships.models import AuditEvent
from tests import factories
from tests.query_counts.scene import Scene


def _views(**filters):
    return AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED, **filters)


# Each page of a student's record: its URL, and what its row names (type, and summary).
RECORD_PAGES = {
    "student_detail": (lambda s: [s.world.student.pk], "partnerships.student", ""),
    "student_card": (lambda s: [s.card.student_id], "partnerships.student", "Sign-in card"),
    "student_whanau": (
        lambda s: [s.world.student.pk],
        "partnerships.student",
        "Whānau and their contacts",
    ),
    "goal_list": (lambda s: [s.world.student.pk], "partnerships.student", "Goals"),
    "goal_detail": (lambda s: [s.world.goal.pk], "learners.goal", ""),
    "goal_history": (lambda s: [s.world.goal.pk], "learners.goal", "History"),
    "evidence_file": (lambda s: [s.photo.pk], "learners.evidence", ""),
    "weekly_update_list": (
        lambda s: [s.world.student.pk],
        "partnerships.student",
        "Weekly updates",
    ),
    "weekly_update_detail": (lambda s: [s.update.pk], "conversations.weeklyupdate", ""),
}


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_each_page_of_the_record_is_one_row_a_visit(client, world, name):
    """The teacher's look is written once, naming what they looked at; a reload within the
    visit adds nothing; the same look half an hour later is a new visit."""
    args, object_type, summary = RECORD_PAGES[name]
    url = reverse(name, args=args(Scene(world)))
    client.force_login(world.teacher)
    _get(client, url)
    _get(client, url)
    (event,) = _views(actor=world.teacher, student=world.student)
    assert (event.school, event.object_type, event.summary) == (
        world.school,
        object_type,
        summary,
    )
    with time_machine.travel(timezone.now() + audit.VISIT + datetime.timedelta(minutes=1)):
        _get(client, url)
    assert _views(actor=world.teacher, student=world.student).count() == 2


def test_different_pages_and_people_are_each_their_own_row(client, world):
    """The card and the goals are two looks; the leader looking too is a third."""
    client.force_login(world.teacher)
    _get(client, reverse("goal_list", args=[world.student.pk]))
    _get(client, reverse("student_card", args=[world.student.pk]))
    client.force_login(world.leader)
    _get(client, reverse("goal_list", args=[world.student.pk]))
    rows = _views(student=world.student).values_list("actor", "summary")
    assert sorted(rows) == sorted(
        [
            (world.teacher.pk, "Goals"),
            (world.teacher.pk, "Sign-in card"),
            (world.leader.pk, "Goals"),
        ]
    )


def test_a_class_list_is_a_row_for_each_child_listed(client, world):
    """Each child's history shows the class list was looked at; the next look in the visit
    adds no rows, however many children it lists."""
    client.force_login(world.teacher)
    url = reverse("class_detail", args=[world.classroom.pk])
    _get(client, url)
    listed = _views(actor=world.teacher, object_type="partnerships.classroom")
    assert sorted(listed.values_list("student", flat=True)) == sorted(
        [world.student.pk, world.classmate.pk]
    )
    assert set(listed.values_list("summary", "object_id")) == {
        (world.classroom.name, world.classroom.pk)
    }
    newcomer = factories.StudentFactory(school=world.school, classroom=world.classroom)
    _get(client, url)
    assert listed.count() == 3  # only the child not yet seen in this visit
    assert listed.filter(student=newcomer).exists()
    assert not _views(student=world.other_student).exists()  # another class: not listed


def test_a_rounds_page_is_a_row_for_each_child_whose_booking_or_request_it_shows(client, world):
    """Who comes and what they need, and requests for another time: each of those children
    has the row; a child merely not booked yet does not."""
    scene = Scene(world)
    scene.booking  # noqa: B018
    asked = factories.StudentFactory(school=world.school, classroom=world.classroom)
    factories.WhanauLinkFactory(student=asked)
    scene.time_request.student = asked
    scene.time_request.save(update_fields=["student"])
    client.force_login(world.teacher)
    _get(client, reverse("round_detail", args=[scene.round.pk]))
    listed = _views(actor=world.teacher, object_type="conversations.conversationround")
    assert sorted(listed.values_list("student", flat=True)) == sorted([world.student.pk, asked.pk])
    assert set(listed.values_list("summary", flat=True)) == {scene.round.title}


def test_whanau_reads_are_recorded_too(client, world):
    """A whānau member opening their child's updates is written down as well, once a visit."""
    Scene(world).update  # noqa: B018
    client.force_login(world.whanau)
    for _ in range(2):
        _get(client, reverse("weekly_update_list", args=[world.student.pk]))
    assert _views(actor=world.whanau, student=world.student).count() == 1


def test_a_page_refused_writes_no_row(client, world):
    """A teacher of another class is refused the card (404), and nothing is recorded."""
    client.force_login(world.other_teacher)
    assert client.get(reverse("student_card", args=[world.student.pk])).status_code == 404
    assert not _views(student=world.student).exists()
