"""Every page's SQL query count is pinned, and stays the same however much data there is.

Each budget is measured with a school full of students, whānau, classes and
audit rows; the comment beside it says what the queries are.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import (
    Booking,
    Reflection,
    UpdateDelivery,
    UpdateReply,
    WeeklyUpdate,
)
from learners.models import Evidence, HomeActivity
from partnerships.models import SignInCard, Voice
from tests import factories

MANY = 25

# Queries every signed-in page makes: session, user, the two "roles" queries
# (staff memberships; whānau flag and student id).
SIGNED_IN = 4


@pytest.fixture
def busy_world(world):
    """The world, plus a full class with whānau, more classes and a long audit trail."""
    world_round = factories.RoundFactory(school=world.school)
    for _ in range(MANY):
        student = factories.StudentFactory(school=world.school, classroom=world.classroom)
        factories.WhanauLinkFactory(student=student)
        factories.WhanauLinkFactory(student=student, whanau=world.link.whanau)
        factories.ClassroomFactory(school=world.school, teachers=[world.teacher])
        factories.StaffFactory(school=world.school)
        goal = factories.GoalFactory(student=world.student)
        goal.dispositions.add(*world.school.dispositions.all())
        step = factories.NextStepFactory(goal=world.goal)
        HomeActivity.objects.create(next_step=step, title="Snap", instructions="Play it.")
        factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
        factories.GoalCommentFactory(goal=world.goal, author=world.teacher, voice=Voice.TEACHER)
        factories.GoalCommentFactory(goal=goal, author=world.whanau)
        Evidence.objects.create(
            goal=world.goal, kind="note", note="Note", voice=Voice.WHANAU, added_by=world.whanau
        )
        conversation = factories.ConversationFactory(student=world.student)
        conversation.whanau_attendees.add(world.link.whanau)
        conversation.goals.add(world.goal)
        Reflection.objects.create(conversation=conversation, author=world.whanau, body="Good")
        slot = factories.SlotFactory(round=world_round, host=world.teacher)
        family = factories.WhanauLinkFactory(student=world.classmate)
        Booking.objects.create(
            slot=slot, student=world.classmate, whanau=family.whanau, needs_childcare=True
        )
        factories.SlotFactory(round=world_round, host=world.teacher)
    SignInCard.objects.create(student=world.student)
    week = world.school.week_of(timezone.now())
    for student in world.classroom.students.all():
        update = WeeklyUpdate.objects.create(
            student=student,
            week=week,
            learned="Volcanoes",
            status="approved",
            queued_at=timezone.now(),
        )
        UpdateDelivery.objects.create(update=update, whanau=world.link.whanau, status="sent")
        UpdateReply.objects.create(update=update, author=world.whanau, voice="whanau", body="Hi")
    world.update = WeeklyUpdate.objects.get(student=world.student, week=week)
    world.round = world_round
    world.booking = Booking.objects.create(
        slot=factories.SlotFactory(round=world_round, host=world.teacher),
        student=world.student,
        whanau=world.link.whanau,
    )
    world.conversation = conversation
    return world


PAGES = [
    # (role, url name, args from the world, budget: what the queries are)
    # school with counts; classes; their teachers; classes the leader teaches (none)
    ("leader", "home", lambda w: [], SIGNED_IN + 4),
    ("teacher", "home", lambda w: [], SIGNED_IN + 2),  # my classes; students I also support
    ("whanau", "home", lambda w: [], SIGNED_IN + 1),  # my tamariki
    ("student_user", "home", lambda w: [], SIGNED_IN + 1),  # me
    # student; can manage?; whānau links; audit insert (in a savepoint pair on some backends)
    ("teacher", "student_detail", lambda w: [w.student.pk], SIGNED_IN + 6),
    ("whanau", "student_detail", lambda w: [w.student.pk], SIGNED_IN + 5),
    ("teacher", "student_edit", lambda w: [w.student.pk], SIGNED_IN + 4),  # + class, staff choices
    ("teacher", "student_card", lambda w: [w.student.pk], SIGNED_IN + 2),  # student; card
    ("teacher", "student_whanau", lambda w: [w.student.pk], SIGNED_IN + 3),  # + links, invitations
    ("teacher", "whanau_link_edit", lambda w: [w.student.pk, w.link.pk], SIGNED_IN + 1),
    ("leader", "student_history", lambda w: [w.student.pk], SIGNED_IN + 3),  # student, count, page
    ("teacher", "class_detail", lambda w: [w.classroom.pk], SIGNED_IN + 3),  # class, teachers, rows
    ("leader", "school_students", lambda w: [], SIGNED_IN + 2),  # count; page of students
    ("leader", "school_staff", lambda w: [], SIGNED_IN + 2),  # staff; pending invitations
    ("leader", "school_whanau", lambda w: [], SIGNED_IN + 4),  # count; page; links; students
    ("whanau", "whanau_preferences", lambda w: [], SIGNED_IN + 1),  # their own record
    # student; goals with agreement flags; their dispositions
    ("whanau", "goal_list", lambda w: [w.student.pk], SIGNED_IN + 3),
    ("teacher", "goal_create", lambda w: [w.student.pk], SIGNED_IN + 4),  # + relation, 2 lists
    # goal; relation; audit insert; dispositions; steps; activities; evidence; comments
    ("whanau", "goal_detail", lambda w: [w.goal.pk], SIGNED_IN + 8),
    ("teacher", "goal_detail", lambda w: [w.goal.pk], SIGNED_IN + 8),
    ("teacher", "goal_edit", lambda w: [w.goal.pk], SIGNED_IN + 5),  # + relation, lists, chosen
    ("whanau", "goal_history", lambda w: [w.goal.pk], SIGNED_IN + 3),  # goal; count; page
    ("teacher", "inbox", lambda w: [], SIGNED_IN + 2),  # count; page with authors and goals
    ("whanau", "conversation_list", lambda w: [w.student.pk], SIGNED_IN + 4),  # + reflections
    # conversation; relation; audit insert; whānau, staff, goals, next steps, reflections
    ("whanau", "conversation_detail", lambda w: [w.conversation.pk], SIGNED_IN + 8),
    ("teacher", "conversation_detail", lambda w: [w.conversation.pk], SIGNED_IN + 8),
    ("teacher", "conversation_edit", lambda w: [w.conversation.pk], SIGNED_IN + 7),
    ("teacher", "transitions", lambda w: [], SIGNED_IN + 2),  # schools' days; students
    ("teacher", "round_list", lambda w: [], SIGNED_IN + 1),
    # round; slots; their bookings; not booked; requests
    ("teacher", "round_detail", lambda w: [w.round.pk], SIGNED_IN + 5),
    ("whanau", "my_bookings", lambda w: [], SIGNED_IN + 3),  # bookings; rounds; requests
    (
        "whanau",
        "round_book",
        lambda w: [w.round.pk],
        SIGNED_IN + 5,
    ),  # round; links; 2 teachers; slots
    ("whanau", "slot_book", lambda w: [w.round.slots.last().pk, w.student.pk], SIGNED_IN + 2),
    ("whanau", "booking_detail", lambda w: [w.booking.pk], SIGNED_IN + 1),
    (
        "student_user",
        "weekly_update_write",
        lambda w: [],
        SIGNED_IN + 4,
    ),  # student; update; sent?; goals
    ("teacher", "weekly_update_write_with", lambda w: [w.student.pk], SIGNED_IN + 4),
    # students; their updates; deliveries with whānau; sent?
    ("teacher", "weekly_update_week", lambda w: [], SIGNED_IN + 4),
    ("whanau", "weekly_update_list", lambda w: [w.student.pk], SIGNED_IN + 3),  # + updates, replies
    ("whanau", "weekly_update_detail", lambda w: [w.update.pk], SIGNED_IN + 2),  # update; replies
]


@pytest.mark.parametrize(("role", "name", "args", "budget"), PAGES)
def test_page_query_budget(
    client, busy_world, django_assert_max_num_queries, role, name, args, budget
):
    """The page makes no more queries than its budget with a school full of data."""
    client.force_login(getattr(busy_world, role))
    url = reverse(name, args=args(busy_world))
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
