"""The demo school: what `make run` shows, the same however often it is loaded."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conversations.models import Booking, LearningConversation, Slot, UpdateDelivery, WeeklyUpdate
from learners import demo as learners_demo
from learners.models import Goal, GoalComment, NextStep
from partnerships import demo
from partnerships.models import School, SignInCard, Student, User, WhanauLink, WhanauMember

pytestmark = pytest.mark.django_db


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_seed_demo_is_idempotent_and_prints_a_login_per_role():
    """Running it twice changes nothing and prints the leader, teacher, whānau and student."""
    _seed()
    counts = (Student.objects.count(), WhanauMember.objects.count(), WhanauLink.objects.count())
    output = _seed()
    assert counts == (
        Student.objects.count(),
        WhanauMember.objects.count(),
        WhanauLink.objects.count(),
    )
    assert counts[0] == 60
    for role in ("leader", "teacher", "whānau", "student"):
        assert f"  {role}" in output
    assert WhanauLink.objects.filter(has_access=False).count() == 1
    goals = Goal.objects.count()
    assert goals > 60
    _seed()
    assert Goal.objects.count() == goals  # goals are made once
    assert GoalComment.objects.unanswered_whanau().exists()  # the inbox has something in it
    assert NextStep.objects.exists()
    assert Slot.objects.count() == 96  # 4 teachers × 2 school days × 12 times, made once
    assert Booking.objects.exists()
    assert LearningConversation.objects.exists()
    updates = WeeklyUpdate.objects.count()
    assert UpdateDelivery.objects.filter(status="sent").exists()  # last week went home
    _seed()
    assert WeeklyUpdate.objects.count() == updates
    # Whānau who prefer te reo Māori wrote their comments in it.
    by_language = {
        language: set(
            GoalComment.objects.filter(
                voice="whanau", author__preferred_language=language
            ).values_list("body", flat=True)
        )
        for language in ("en", "mi")
    }
    assert by_language["mi"]
    assert by_language["mi"] <= set(learners_demo.WHANAU_COMMENTS_MI)
    assert not by_language["en"] & set(learners_demo.WHANAU_COMMENTS_MI)


def test_demo_logins_work():
    """The printed logins sign in: staff by password, the student's card code is active."""
    _seed()
    leader = User.objects.get(email="tumuaki@kowhai.example")
    assert leader.check_password("kowhai-demo-2026")
    whanau = User.objects.get(email="whanau@kowhai.example")
    children = Student.objects.filter(whanau_links__whanau__user=whanau)
    assert children.count() == 2
    assert len({child.classroom_id for child in children}) == 2
    assert SignInCard.objects.active().filter(code="TAKAHE26").exists()


def test_refuses_production_settings(settings):
    """Demo accounts with a published password never reach a real database by accident."""
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError):
        _seed()


def test_the_apps_register_their_demo_steps_in_order():
    """Goals, conversations, weekly updates, written reports, the dashboard's story, then what
    all that told people: each app adds its step when it loads."""
    assert [step.name for step in demo.STEPS] == [
        "goals",
        "conversations",
        "weekly_updates",
        "written_reports",
        "telling",
        "privacy",
        "notices",
    ]


def test_every_registered_step_runs_for_the_demo_school():
    """The command's activity comes from the registry: one line and rows per step, once."""
    output = _seed()
    school = School.objects.get(name=demo.DEMO_SCHOOL)
    for step in demo.STEPS:
        line = rf"^{re.escape(school.name)}: \d+ {re.escape(step.details['description'])}$"
        assert re.search(line, output, re.MULTILINE), step.name
    assert Goal.objects.filter(student__school=school).exists()
    assert Slot.objects.filter(round__school=school).exists()
    assert WeeklyUpdate.objects.filter(student__school=school).exists()
    again = _seed()
    assert not any(step.details["description"] in again for step in demo.STEPS)


def test_a_registered_step_gets_the_school_and_the_students_to_leave_free(monkeypatch):
    """A step registered by any app runs in its order, with plain data, and is described."""
    monkeypatch.setattr(demo.STEPS, "_entries", dict(demo.STEPS._entries))  # forget it afterwards
    calls = []

    @demo.STEPS.register("late", order=999, description="late rows")
    def late(*, school, keep_free):
        calls.append((school, keep_free))
        return 3 if len(calls) == 1 else 0

    output = _seed()
    school, keep_free = calls[0]
    assert school.name == demo.DEMO_SCHOOL
    card_student = SignInCard.objects.get(code=demo.DEMO_CARD_CODE).student_id
    assert keep_free == {card_student}
    lines = output.splitlines()
    late_line = lines.index(f"{demo.DEMO_SCHOOL}: 3 late rows")
    assert lines[late_line - 1].endswith("notices sent to whānau and teachers")
    assert "late rows" not in _seed()  # nothing made the second time: no line


def test_demo_updates_have_the_times_their_status_promises():
    """Approved: submitted and approved; written: submitted; sent: sent. The card's week is free."""
    _seed()
    updates = WeeklyUpdate.objects.all()
    approved = updates.filter(status=WeeklyUpdate.Status.APPROVED)
    assert approved.exists()
    assert not approved.filter(approved_at__isnull=True).exists()
    assert not approved.filter(submitted_at__isnull=True).exists()
    assert all(u.submitted_at <= u.approved_at <= u.queued_at for u in approved)
    submitted = updates.filter(status=WeeklyUpdate.Status.SUBMITTED)
    assert submitted.exists()
    assert not submitted.filter(submitted_at__isnull=True).exists()
    sent = UpdateDelivery.objects.filter(status=UpdateDelivery.Status.SENT)
    assert sent.exists()
    assert not sent.filter(sent_at__isnull=True).exists()
    card_student = SignInCard.objects.get(code=demo.DEMO_CARD_CODE).student
    this_week = card_student.school.week_of(timezone.now())
    assert not updates.filter(student=card_student, week=this_week).exists()
