"""Dashboard figures kept for a few minutes: a leader reloading the page, or twenty leaders
of a district opening theirs at the start of a meeting, share one count instead of each
running every aggregate again. The page says when its figures were counted.

Whoever may see the same students shares an entry: the leaders of a school share the
school's; a teacher has their own. Language and filters are part of the key, and the day,
so "this week" never outlives the week. A cache that is down only makes the page slower.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from partnerships.roles import request_roles

logger = logging.getLogger(__name__)
# What a visit needs to show the figures: their markup, not the objects they were drawn from.
KEPT = ("figures_html", "not_reached_count", "counted_at")


def _key(request, scope, part: str) -> str:
    roles = request_roles(request)
    whose = (
        f"school-{scope.school.pk}"
        if scope.school.pk in roles.led_school_ids
        else f"user-{request.user.pk}"
    )
    asked = hashlib.sha256(f"{part}?{scope.query}".encode()).hexdigest()[:24]
    return f"dashboard:2:{whose}:{get_language()}:{scope.today.isoformat()}:{asked}"


def remembered(request, scope, count, *, part: str = "", kept=KEPT) -> dict:
    """``count(scope)``, or the ``kept`` part of what it gave a few minutes ago for the same
    people, filters and ``part`` of the dashboard (a drill-down's figure and page)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return count(scope)
    key = _key(request, scope, part)
    try:
        found = cache.get(key)
    except Exception:  # whatever the cache's failure (Redis down, a timeout): count afresh
        logger.warning("dashboard cache unavailable", exc_info=True)
        return count(scope)
    if found is not None:
        return found
    counted = count(scope)
    try:
        cache.set(key, {name: counted[name] for name in kept}, seconds)
    except Exception:  # not kept this time: the next request counts again
        logger.warning("dashboard cache unavailable", exc_info=True)
    return counted
