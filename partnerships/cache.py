"""A shared cache that outlives Redis: when Redis cannot be reached, the database holds what
it held (sign-in rate limits above all), so pages and sign-in keep working and the limits
keep holding across every web process. When Redis answers again, it takes over."""

import logging

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class RedisWithFallback(RedisCache):
    """Redis, or the cache named by ``OPTIONS["FALLBACK"]`` while Redis is down."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._fallback = options.pop("FALLBACK", "fallback")
        super().__init__(server, {**params, "OPTIONS": options})


def _either(name: str):
    redis_operation = getattr(RedisCache, name)

    def operation(self, *args, **kwargs):
        try:
            return redis_operation(self, *args, **kwargs)
        except UNREACHABLE:
            logger.warning("Redis unreachable: the %s cache stands in", self._fallback)
            return getattr(caches[self._fallback], name)(*args, **kwargs)

    operation.__name__ = name
    return operation


for _name in OPERATIONS:
    setattr(RedisWithFallback, _name, _either(_name))
