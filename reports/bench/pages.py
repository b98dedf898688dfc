"""The main pages of each role in the demo school, as the demo's people see them.

Each page is a path with the ids of objects its person may see, chosen through the same
access scopes the views use, so the benchmark measures what that person would be shown (and
a page whose object is missing is named rather than measured as a 404).
"""

from dataclasses import dataclass

from django.urls import reverse

from conversations import access as conversation_access
from conversations.weekly.access import updates_visible_to
from learners.access import goals_visible_to
from partnerships import access, demo
from partnerships.models import School, SignInCard, Staff, User
from reports.access import reports_visible_to, rounds_visible_to

ROLES = ("leader", "teacher", "whanau", "student")


@dataclass(frozen=True)
class Page:
    role: str
    name: str  # what the page is, in a word or two: the report's first column
    path: str


class MissingDataError(Exception):
    """The demo school lacks what a page needs: the database was not seeded for benchmarks."""


def person(role: str, school: School) -> User:
    """The demo login of ``role`` at ``school``."""
    if role == "student":
        card = SignInCard.objects.filter(code=demo.DEMO_CARD_CODE, student__school=school)
        user = User.objects.filter(student__in=card.values("student")).first()
    else:
        email = {
            "leader": demo.LEADER_EMAIL,
            "teacher": demo.TEACHER_EMAIL,
            "whanau": demo.WHANAU_EMAIL,
        }[role]
        user = User.objects.filter(email=email).first()
    if user is None:
        raise MissingDataError(f"No demo {role} login at {school.name}.")
    return user


def _first(queryset, what: str):
    found = queryset.order_by("-pk").values_list("pk", flat=True).first()
    if found is None:
        raise MissingDataError(f"No {what} to measure: seed the benchmark data first.")
    return found


def pages(role: str, school: School) -> list[Page]:
    """The pages ``role`` comes for, in the order a person would use them."""
    user = person(role, school)
    students = access.students_visible_to(user).filter(school=school)
    # The busiest goal and conversation: the pages that grow with their comments.
    goals = goals_visible_to(user).filter(student__in=students)
    goal = _first(goals.filter(comments__isnull=False), "goal with comments")
    student = _first(students.filter(goals__isnull=False), "student with goals")
    conversations = conversation_access.conversations_visible_to(user)
    found = [
        ("home", reverse("home")),
        ("goals", reverse("goal_list", args=[student])),
        ("goal", reverse("goal_detail", args=[goal])),
    ]
    if role in ("leader", "teacher"):
        classroom = _first(access.classes_visible_to(user).filter(school=school), "class")
        rounds = conversation_access.rounds_managed_by(user)
        round_pk = _first(rounds.bookable(), "open round")
        conversation = _first(conversations, "conversation")
        found += [
            ("class", reverse("class_detail", args=[classroom])),
            ("student", reverse("student_detail", args=[student])),
            ("inbox", reverse("inbox")),
            ("conversations", reverse("conversation_list", args=[student])),
            ("conversation", reverse("conversation_detail", args=[conversation])),
            ("week's updates", reverse("weekly_update_week")),
            ("round", reverse("round_detail", args=[round_pk])),
            ("schedule", reverse("round_schedule", args=[round_pk])),
            ("not booked", reverse("round_not_booked", args=[round_pk])),
            ("reports", reverse("report_round_list")),
        ]
    if role == "leader":
        report_round = _first(rounds_visible_to(user), "report round")
        found += [
            ("dashboard", reverse("dashboard") + "?period=term"),
            ("dashboard list", reverse("dashboard_students") + "?figure=engagement"),
            ("students", reverse("school_students")),
            ("staff", reverse("school_staff")),
            ("whānau", reverse("school_whanau")),
            ("transitions", reverse("transitions")),
            ("rounds", reverse("round_list")),
            ("report round", reverse("report_round_detail", args=[report_round])),
        ]
    if role == "whanau":
        bookable = conversation_access.rounds_of_whanau(user).bookable()
        round_pk = _first(bookable, "round open for booking")
        updates = updates_visible_to(user).filter(student__in=students)
        found += [
            ("booking", reverse("round_book", args=[round_pk])),
            ("my bookings", reverse("my_bookings")),
            ("updates", reverse("weekly_update_list", args=[student])),
            ("update", reverse("weekly_update_detail", args=[_first(updates, "weekly update")])),
            ("conversations", reverse("conversation_list", args=[student])),
            ("reports", reverse("student_reports", args=[student])),
            ("report", reverse("report_detail", args=[_first(reports_visible_to(user), "report")])),
            ("preferences", reverse("whanau_preferences")),
        ]
    if role == "student":
        found += [
            ("write update", reverse("weekly_update_write")),
            ("updates", reverse("weekly_update_list", args=[student])),
            ("conversations", reverse("conversation_list", args=[student])),
        ]
    return [Page(role, name, path) for name, path in found]


def demo_school() -> School:
    school = School.objects.filter(name=demo.DEMO_SCHOOL).order_by("pk").first()
    if school is None or not Staff.objects.filter(school=school).exists():
        raise MissingDataError(f"No {demo.DEMO_SCHOOL}: seed the benchmark data first.")
    return school
