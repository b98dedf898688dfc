"""Times on pages are shown in the school's own time zone."""

import datetime

import pytest
from django.urls import reverse

from conversations.models import Booking
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["whanau", "teacher"])
def test_a_chatham_islands_school_sees_its_own_time(client, world, role, time_machine):
    """A 7:45pm Chatham Islands time is shown as 7:45 p.m. to its whānau and teachers."""
    time_machine.move_to(datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC))
    world.school.timezone = "Pacific/Chatham"  # UTC+13:45 in summer
    world.school.save()
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school),
        host=world.teacher,
        starts_at=datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC),
    )
    booking = Booking.objects.create(slot=slot, student=world.student, whanau=world.link.whanau)
    client.force_login(getattr(world, role))
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "7:45 p.m." in page
