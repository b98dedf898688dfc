"""Against the real servers CI provides: PostgreSQL for concurrency, Redis for the shared cache.

On a laptop without them these are skipped with a reason; CI requires them.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory

from partnerships import services
from partnerships.models import Invitation, WhanauLink


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_one_invitation_make_one_link(world, django_capture_on_commit_callbacks):
    """Two people accepting the same link at the same moment: exactly one succeeds."""
    assert connection.vendor == "postgresql"
    invitation = services.invitation_create_whanau(
        student=world.classmate,
        email="twice@example.org",
        name="Twice",
        relationship="parent",
        language="en",
        by=world.teacher,
    )
    # The key is only ever emailed; make a known one for the test.
    key = "known-key-for-this-test"
    Invitation.objects.filter(pk=invitation.pk).update(key_hash=services.hash_key(key))

    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait()
            services.invitation_accept(key=key, name="Twice")
            outcomes.append("joined")
        except services.InvitationError as error:
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_families_booking_one_time_at_once(world):
    """Two families press “Book” on the same time at the same moment: exactly one gets it."""
    from conversations import services as booking_services
    from conversations.models import Booking
    from tests import factories

    assert connection.vendor == "postgresql"
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school), host=world.teacher
    )
    # Two families, one child each in the same class.
    families = [
        (world.student, world.link.whanau),
        (world.classmate, factories.WhanauLinkFactory(student=world.classmate).whanau),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def book(student, whanau):
        try:
            barrier.wait()
            booking_services.booking_create(slot=slot, student=student, whanau=whanau, details={})
            outcomes.append("booked")
        except booking_services.SlotTakenError:
            outcomes.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=family) for family in families]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "taken"]
    assert Booking.objects.active().filter(slot=slot).count() == 1
