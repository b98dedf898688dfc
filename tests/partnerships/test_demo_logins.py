"""The demo's printed logins: they work again however the demo was played with, and the
command refuses what it can't make."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partnerships.demo import DEMO_SCHOOL
from partnerships.models import School, SignInCard, Staff, Student, User, WhanauLink
from tests import factories

pytestmark = pytest.mark.django_db

LEADER = "tumuaki@kowhai.example"
WHANAU = "whanau@kowhai.example"
PASSWORD = "kowhai-demo-2026"
CARD = "TAKAHE26"


def _seed(**options):
    out, err = StringIO(), StringIO()
    call_command("seed_demo", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"schools": 0}, "--schools must be at least 1."),
        ({"students": 5}, "--students must be at least 10."),
    ],
)
def test_the_command_refuses_sizes_it_cannot_make(options, message):
    """Too few schools or students is refused with the reason, and no school is made."""
    with pytest.raises(CommandError, match=message):
        _seed(**options)
    assert not School.objects.exists()


def test_logins_work_again_after_the_demo_was_played_with():
    """Running the command again puts right a locked-out leader, parent, card and student."""
    _seed()
    leader = User.objects.get(email=LEADER)
    leader.set_password("changed-while-playing")
    leader.is_active = False
    leader.save()
    WhanauLink.objects.filter(whanau__user__email=WHANAU).update(has_access=False)
    card = SignInCard.objects.get(code=CARD)
    card.revoked_at = card.issued_at
    card.save()
    User.objects.filter(pk=card.student.user_id).update(is_active=False)

    output, _err = _seed()

    assert f"{DEMO_SCHOOL}: already there, left as it is." in output
    leader.refresh_from_db()
    assert leader.is_active
    assert leader.check_password(PASSWORD)
    assert not WhanauLink.objects.filter(whanau__user__email=WHANAU, has_access=False).exists()
    card.refresh_from_db()
    assert card.revoked_at is None
    assert User.objects.get(pk=card.student.user_id).is_active


def test_a_missing_first_class_is_warned_about_not_fatal():
    """With the demo's first class deleted, the command warns and still fixes the leader."""
    _seed()
    school = School.objects.get(name=DEMO_SCHOOL)
    school.classes.get(name__startswith="Rūma Tūī").delete()
    User.objects.filter(email=LEADER).update(is_active=False)
    output, warnings = _seed()
    assert "Rūma Tūī (Years 1–2) is missing: no demo teacher or student." in warnings
    assert LEADER in output
    assert User.objects.get(email=LEADER).is_active


def test_the_card_code_taken_by_another_student_is_refused():
    """If the demo card's code already belongs to a real student, the demo stops and says so."""
    factories.SignInCardFactory(code=CARD)
    with pytest.raises(CommandError, match=f"Card code {CARD} already belongs"):
        _seed()
    assert not School.objects.filter(name=DEMO_SCHOOL).exists()


def test_extra_schools_for_benchmarks_have_their_own_leaders():
    """A second, generated school has its own leader and students, apart from the demo's."""
    _seed(schools=2, students=10)
    demo = School.objects.get(name=DEMO_SCHOOL)
    (other,) = School.objects.filter(pk__gt=demo.pk)
    assert Student.objects.filter(school=other).count() == 10
    leader = Staff.objects.get(school=other, role=Staff.Role.LEADER).user
    assert leader.email.startswith("tumuaki@")
    assert leader.email != LEADER
