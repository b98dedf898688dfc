"""Settings for the test suite: fast hashing, mail kept in memory, tasks run eagerly."""

from .base import *  # noqa: F403
from .base import FALLBACK_CACHE, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Rate limits are checked against this cache; tests clear it between runs.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fallback": FALLBACK_CACHE,  # the test database gets its table, for tests of Redis down
}
# Each request counts afresh, so a test sees what it just wrote (tests of keeping turn it on).
DASHBOARD_CACHE_SECONDS = 0
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/mahi-tahi-test-media")  # noqa: S108
