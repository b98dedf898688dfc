"""The teacher hears when a family books, moves or cancels a conversation time with them."""

import datetime
import zoneinfo

import pytest
import time_machine

from conversations import booking as booking_services
from conversations.notices import BOOKING_CHANGED
from partnerships.models import Notice, OutboxEmail
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
DAYTIME = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=NZ)  # a Tuesday morning


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school)


def _slot(world, round_, hour: int, host=None):
    at = datetime.datetime(2027, 3, 4, hour, 0, tzinfo=NZ)  # Thursday
    return factories.SlotFactory(round=round_, host=host or world.teacher, starts_at=at)


def _book(world, slot):
    return booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )


def _titles(user) -> list[str]:
    return list(
        Notice.objects.filter(kind=BOOKING_CHANGED, user=user)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_the_teacher_hears_of_a_booking_a_move_and_a_cancel(world, round_):
    """Each change the family makes is one notice for the teacher, saying what changed."""
    booking = _book(world, _slot(world, round_, 15))
    booking_services.booking_move(booking=booking, slot=_slot(world, round_, 16))
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    assert _titles(world.teacher) == [
        "booked Thursday 4 March, 3:00 p.m.",
        "moved from Thursday 4 March, 3:00 p.m. to Thursday 4 March, 4:00 p.m.",
        "cancelled their time on Thursday 4 March, 4:00 p.m.",
    ]
    notice = Notice.objects.filter(kind=BOOKING_CHANGED).first()
    assert notice.actor == world.whanau
    assert notice.student == world.student
    assert notice.url == f"/rounds/{round_.pk}/"


def test_the_teachers_notices_come_in_a_daily_digest(world, round_):
    """By default a teacher gets one email a day of these, not one per booking."""
    _book(world, _slot(world, round_, 15))
    classmates = factories.WhanauLinkFactory(student=world.classmate)
    booking_services.booking_create(
        slot=_slot(world, round_, 16),
        student=world.classmate,
        whanau=classmates.whanau,
        details={},
    )
    assert world.teacher.notice_rhythms.get(BOOKING_CHANGED) is None  # the default: daily
    emails = OutboxEmail.objects.filter(params__to=f"u{world.teacher.pk}")
    assert list(emails.values_list("key", flat=True)) == [
        f"notices:u{world.teacher.pk}:2027-03-02T04:00:00+00:00"  # 5 pm in Auckland
    ]
    assert len(_titles(world.teacher)) == 2


def test_a_move_to_another_teacher_tells_both(world, round_):
    """The teacher the time left and the one it went to each hear of it."""
    world.student.assigned_teachers.add(world.other_teacher)
    booking = _book(world, _slot(world, round_, 15))
    booking_services.booking_move(
        booking=booking, slot=_slot(world, round_, 17, host=world.other_teacher)
    )
    assert _titles(world.teacher)[-1] == "moved away from your Thursday 4 March, 3:00 p.m. time"
    assert _titles(world.other_teacher) == [
        "moved from Thursday 4 March, 3:00 p.m. to Thursday 4 March, 5:00 p.m."
    ]


def test_the_school_cancelling_does_not_tell_the_teacher_who_did_it(world, round_):
    """When staff cancel a time, the family is told; the teacher who cancelled is not."""
    booking = _book(world, _slot(world, round_, 15))
    booking_services.booking_cancel(booking=booking, by=world.teacher, reason="Sick today")
    assert _titles(world.teacher) == ["booked Thursday 4 March, 3:00 p.m."]
