"""Every page's SQL query count is pinned, and stays the same however much data there is.

Each budget is measured with a school full of students, whānau, classes and
audit rows; the comment beside it says what the queries are.
"""

import pytest
from django.urls import reverse

from learners.models import Evidence, HomeActivity, SignInCard, Voice
from tests import factories

MANY = 25

# Queries every signed-in page makes: session, user, the two "roles" queries
# (staff memberships; whānau flag and student id).
SIGNED_IN = 4


@pytest.fixture
def busy_world(world):
    """The world, plus a full class with whānau, more classes and a long audit trail."""
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
    SignInCard.objects.create(student=world.student)
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
