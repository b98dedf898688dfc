"""Redis down, the site up: sign-in and its rate limits go on through the database's cache."""

import socket

import pytest
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe closes


@pytest.fixture
def redis_down(settings):
    """The production cache shape, its Redis at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "partnerships.cache.RedisWithFallback",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"FALLBACK": "fallback", "socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "fallback": settings.FALLBACK_CACHE,
    }
    yield caches["default"]
    caches["fallback"].clear()


def test_the_cache_stands_in_for_redis(redis_down):
    """What is kept while Redis is down is kept in the database, and read back."""
    redis_down.set("kia-ora", 3, 60)
    assert redis_down.get("kia-ora") == 3
    assert redis_down.incr("kia-ora") == 4
    assert caches["fallback"].get("kia-ora") == 4


def test_sign_in_works_and_its_limits_hold_with_redis_down(client, world, redis_down):
    """A wrong password is refused with a message, never a 500; too many are limited."""
    url = reverse("account_login")
    form = {"login": world.teacher.email, "password": "not-the-password"}
    pages = [client.post(url, form) for _ in range(12)]
    assert {page.status_code for page in pages} <= {200, 429}
    # allauth's limit on failed sign-ins still holds, counted in the database's cache.
    assert "Too many failed login attempts" in pages[-1].content.decode()
    client.force_login(world.teacher)
    assert client.get(reverse("home")).status_code == 200
