"""Against the real servers CI provides: PostgreSQL for concurrency, Redis for the shared cache.

On a laptop without them these are skipped with a reason; CI requires them.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory

from partnerships import invitations
from partnerships.models import Invitation, WhanauLink


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_one_invitation_make_one_link(world, django_capture_on_commit_callbacks):
    """Two people accepting the same link at the same moment: exactly one succeeds."""
    assert connection.vendor == "postgresql"
    invitation = invitations.invitation_create_whanau(
        student=world.classmate,
        email="twice@example.org",
        name="Twice",
        relationship="parent",
        language="en",
        by=world.teacher,
    )
    # The key is only ever emailed; make a known one for the test.
    key = "known-key-for-this-test"
    Invitation.objects.filter(pk=invitation.pk).update(key_hash=invitations.hash_key(key))

    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait()
            invitations.invitation_accept(key=key, name="Twice")
            outcomes.append("joined")
        except invitations.InvitationError as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["joined", "used"]
    assert WhanauLink.objects.filter(student=world.classmate).count() == 1


@pytest.mark.redis
def test_rate_limits_are_shared_through_redis(settings):
    """With Redis as the cache, the card sign-in limits count across every web process."""
    from django.core.cache import caches

    from partnerships import cards

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "mahi-tahi-test",
        }
    }
    cache = caches["default"]
    cache.clear()
    request = RequestFactory().post("/card/", REMOTE_ADDR="203.0.113.7")
    address = [("address", cards.client_address(request))]
    now = time.time()
    allowed = []
    for _ in range(11):
        allowed.append(not cards._over_limit(address, now))
        cards._record_failure(address, now)
    assert allowed == [True] * 10 + [False]
    assert any("card-sign-in" in str(key) for key in cache._cache.get_client().keys("*"))
    cache.clear()


@pytest.mark.redis
def test_celery_uses_redis_when_configured():
    """With REDIS_URL set, Celery's broker is that Redis, and it answers."""
    from config.celery import app

    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.transport.driver_type == "redis"


def _at_once(posts) -> list:
    """Send each ``(client, url, data)`` from its own thread, released together, each with
    its own database connection: real parallel requests, as two phones pressing Book."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(index, *post)) for index, post in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["round_book", "slot_book"])
def test_two_families_booking_one_time_at_once(world, page):
    """Two families press “Book” on the same time at the same moment: exactly one gets it, and
    the other is told on the page at once, with the nearest free time to choose instead."""
    from django.urls import reverse

    from conversations.booking_forms import seen_value
    from conversations.models import Booking
    from tests import factories

    assert connection.vendor == "postgresql"
    conversation_round = factories.RoundFactory(school=world.school)
    slot = factories.SlotFactory(round=conversation_round, host=world.teacher)
    free = factories.SlotFactory(round=conversation_round, host=world.teacher)
    # Two families, one child each in the same class.
    other = factories.WhanauLinkFactory(student=world.classmate)
    posts = []
    for student, user in ((world.student, world.whanau), (world.classmate, other.whanau.user)):
        if page == "round_book":
            url = reverse("round_book", args=[conversation_round.pk])
            data = {"action": "book", "how": "in_person", f"time-{student.pk}": seen_value(slot)}
        else:
            url = reverse("slot_book", args=[slot.pk, student.pk])
            data = {"how": "in_person"}
        posts.append((_signed_in(user), url, data))

    responses = _at_once(posts)

    assert sorted(response.status_code for response in responses) == [200, 302]
    (told,) = [r.content.decode() for r in responses if r.status_code == 200]
    assert "someone has just booked" in told
    if page == "round_book":
        assert "The nearest free times are marked" in told
    else:
        assert reverse("slot_book", args=[free.pk, world.classmate.pk]) in told or (
            reverse("slot_book", args=[free.pk, world.student.pk]) in told
        )
    assert Booking.objects.active().filter(slot=slot).count() == 1
    assert Booking.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_of_one_household_booking_one_child_at_once(world):
    """Two people of one household book the same child at the same moment, at different
    times: one booking is made, and the other is told the household already has a time."""
    from django.urls import reverse

    from conversations.booking_forms import seen_value
    from conversations.models import Booking
    from partnerships.households import household_of
    from tests import factories

    assert connection.vendor == "postgresql"
    conversation_round = factories.RoundFactory(school=world.school)
    times = [factories.SlotFactory(round=conversation_round, host=world.teacher) for _ in range(2)]
    mere = factories.WhanauMemberFactory(
        school=world.school, household=household_of(world.link.whanau), name="Mere"
    )
    factories.WhanauLinkFactory(student=world.student, whanau=mere)
    url = reverse("round_book", args=[conversation_round.pk])
    posts = [
        (
            _signed_in(user),
            url,
            {"action": "book", "how": "in_person", f"time-{world.student.pk}": seen_value(slot)},
        )
        for user, slot in zip((world.whanau, mere.user), times, strict=True)
    ]

    responses = _at_once(posts)

    assert sorted(response.status_code for response in responses) == [200, 302]
    (told,) = [r.content.decode() for r in responses if r.status_code == 200]
    assert "Your household already has a time for" in told
    assert Booking.objects.filter(student=world.student).count() == 1
