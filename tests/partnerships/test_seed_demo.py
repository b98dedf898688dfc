"""The demo school: what `make run` shows, the same however often it is loaded."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conversations.models import Booking, LearningConversation, Slot, UpdateDelivery, WeeklyUpdate
from learners.models import Goal, GoalComment, NextStep
from partnerships.models import SignInCard, Student, User, WhanauLink, WhanauMember

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
    assert Slot.objects.count() == 48  # 4 teachers × 12 times, made once
    assert Booking.objects.exists()
    assert LearningConversation.objects.exists()
    updates = WeeklyUpdate.objects.count()
    assert UpdateDelivery.objects.filter(status="sent").exists()  # last week went home
    _seed()
    assert WeeklyUpdate.objects.count() == updates


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
