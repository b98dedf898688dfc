"""Signing in with a printed card, and the limits that make guessing a card's code hopeless.

What a card carries
-------------------
A code of 8 characters from an alphabet of 31 (no 0/O, 1/I/L), short enough for a
five-year-old to type: S = 31**8 = 852,891,037,441 codes (about 39.6 bits). Its QR code
carries the same code and a key of 128 random bits (``SignInCard.qr_key``). A scan whose
code and key both match signs in at once and is never limited: nobody guesses 128 bits. A
typed code, an old QR code without a key, or a key that does not match is a *typed
attempt*, checked against every limit below. Cards printed before keys existed keep
working: their QR code fills in the code alone.

What is limited
---------------
Only failures are counted; a sign-in that works costs nothing. Before a typed attempt is
even looked at, it must pass every limit that concerns it; a refused attempt is not looked
at and not counted.

- per address (the client's address, from ``client_address``): 10 a minute, 60 an hour.
  Keeps one machine from spending the budgets below for everyone. A school whose classrooms
  share one internet address shares this too: ten typos in a minute there hold its typed
  codes back for a minute (its scans go on).
- everywhere: 3,000 an hour for the whole site. A botnet of many addresses shares it.
- per card: a failed code whose first four characters are those of a live card counts
  against that card: 10 a day. A child who mistypes the end of their own code ten times in
  a day scans their QR code or is given a new card (a new card starts afresh).
- per school: the same failures count against the card's school: 200 a day.

The first four characters say which card a code is meant to be, and every code that can
succeed has them: a guess that matches no card's first four characters can never sign
anyone in, so it only counts per address and everywhere. The per-card limit is checked
before the per-school one, so somebody who knows a few cards' first halves cannot use up
the whole school's budget. Note that being refused tells a guesser that those four
characters belong to a live card: that is allowed for below (the other four are still
unknown), and it is what any per-card limit tells.

The arithmetic
--------------
With N live cards in a school and r failures allowed an hour everywhere, a guesser needs
S / N guesses on average to hit any of them, taking S / (N · r) hours:

- a school of N = 1,500 at r = 3,000/h: 852,891,037,441 / 4,500,000 = 189,531 h, 21.6 years;
- any card of a district of N = 15,000: 18,953 h, 2.2 years.

That bound shrinks as the site grows; the per-school limit does not. A guess can only work
against a school if its first four characters match one of the school's live cards, so at
most 200 such guesses a day are even looked at; each is right with probability k / 31**4
(31**4 = 923,521; k, the school's cards sharing those four characters, is almost always 1).
Whatever the number of addresses, and however many cards other schools hold, hitting any
card of one school takes about 923,521 / 200 = 4,618 days: 12.6 years. A guesser who knows
a card's first four characters (a glimpse of half a card) has 10 tries a day at it: half of
923,521 takes 46,176 days, 126 years. From one address alone: 1,440 guesses a day against
a school of 1,500 cards, S / (1,500 · 1,440) = 394,857 days.

The counts live in the shared cache (Redis, or the database while Redis is down:
``partnerships.cache``) as two fixed windows per limit, the previous one weighed by how
much of it still falls within the limit's span ("sliding window counters"). Each window
holds at most its limit of recorded failures, so over any long time the rates above hold;
attempts checked at the same moment can each pass before any is recorded, so a window may
take a few more than its limit (at most the number of requests served at once), once.
"""

import ipaddress
import logging
import re
import secrets
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from partnerships.models import SignInCard, Student

logger = logging.getLogger(__name__)

# How many characters of a code say which card it is meant to be.
CARD_PREFIX_LENGTH = 4
# A QR key as ``new_card_key`` makes it; anything else in the link is ignored.
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")

# Failures allowed, as (count, seconds), for each scope; settings.CARD_SIGN_IN_LIMITS may
# change them (the arithmetic above is for these).
LIMITS: dict[str, tuple[tuple[int, int], ...]] = {
    "address": ((10, 60), (60, 60 * 60)),
    "everywhere": ((3000, 60 * 60),),
    "card": ((10, 24 * 60 * 60),),
    "school": ((200, 24 * 60 * 60),),
}

TOO_MANY = _(
    "Too many tries. Wait a few minutes, then try again, or scan the QR code on your card."
)
TOO_MANY_FOR_CARD = _(
    "Too many tries with this code today. Scan the QR code on your card, or ask your teacher."
)
NO_SUCH_CARD = _("That code doesn’t match a card. Check it with your teacher.")


@dataclass(frozen=True)
class Attempt:
    """How a sign-in with a card went: the student, or why not (a message for the page)."""

    student: Student | None = None
    refusal: str = ""  # a limit said no: the code was not looked at
    error: str = ""  # the code matched no card


def clean_key(value) -> str:
    """A QR key from a link or a form, or "" for anything that cannot be one."""
    value = value.strip() if isinstance(value, str) else ""
    return value if KEY_SHAPE.fullmatch(value) else ""


def client_address(request) -> str:
    """Who is asking, as the rate limits see them: allauth's reading of the address (which
    trusts X-Forwarded-For only behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies), with an
    IPv6 address taken as its /64 network, as a home or school is given a whole one."""
    address = get_adapter(request).get_client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def sign_in_attempt(request, *, code: str, key: str = "") -> Attempt:
    """Try a normalised card ``code`` (and the ``key`` a QR code carried, if any)."""
    candidates = None
    if key:
        candidates = _candidates(code)
        for card in candidates:
            if _same(card.code, code) and _same(card.qr_key, key) and _usable(card):
                return Attempt(student=card.student)
    # Typed, or a key that does not match: a guess, as far as anyone can tell.
    now = time.time()
    general = [("address", client_address(request)), ("everywhere", "all")]
    if _over_limit(general, now):
        return Attempt(refusal=str(TOO_MANY))
    if candidates is None:
        candidates = _candidates(code)
    meant_for = [
        *(("card", card.pk) for card in candidates),
        *{("school", card.student.school_id) for card in candidates},
    ]
    if _over_limit(meant_for, now):
        return Attempt(refusal=str(TOO_MANY_FOR_CARD))
    for card in candidates:
        if _same(card.code, code) and _usable(card):
            return Attempt(student=card.student)
    _record_failure([*general, *meant_for], now)
    return Attempt(error=str(NO_SUCH_CARD))


def _candidates(code: str) -> list[SignInCard]:
    """The live cards a code is meant to be: those sharing its first characters (one query)."""
    if len(code) < CARD_PREFIX_LENGTH:
        return []
    return list(
        SignInCard.objects.active()
        .select_related("student__user")
        .filter(code__startswith=code[:CARD_PREFIX_LENGTH])
    )


def _usable(card: SignInCard) -> bool:
    return card.student.user is not None and card.student.user.is_active


def _same(secret: str, given: str) -> bool:
    return secrets.compare_digest(secret.encode(), given.encode())


def _limits(scope: str) -> tuple[tuple[int, int], ...]:
    return getattr(settings, "CARD_SIGN_IN_LIMITS", {}).get(scope, LIMITS[scope])


def _key(scope: str, ident, seconds: int, window: int) -> str:
    return f"card-sign-in:{scope}:{ident}:{seconds}:{window}"


def _over_limit(subjects: list[tuple[str, object]], now: float) -> bool:
    """Whether any subject (scope, ident) has used up any of its limits: one cache read."""
    checks = []
    for scope, ident in subjects:
        for count, seconds in _limits(scope):
            window, into = divmod(now, seconds)
            current = _key(scope, ident, seconds, int(window))
            previous = _key(scope, ident, seconds, int(window) - 1)
            checks.append((count, 1 - into / seconds, current, previous))
    if not checks:
        return False
    counts = cache.get_many([key for check in checks for key in check[2:]])
    return any(
        counts.get(current, 0) + counts.get(previous, 0) * weight >= count
        for count, weight, current, previous in checks
    )


def _record_failure(subjects: list[tuple[str, object]], now: float) -> None:
    for scope, ident in subjects:
        for count, seconds in _limits(scope):
            key = _key(scope, ident, seconds, int(now // seconds))
            cache.add(key, 0, timeout=2 * seconds)
            try:
                failures = cache.incr(key)
            except ValueError:  # gone between the two (evicted, or Redis came back)
                cache.set(key, failures := 1, timeout=2 * seconds)
            if failures == count and scope in ("card", "school"):
                logger.warning(
                    "card sign-in: %s %s has had %s failed codes in %s s; its typed codes "
                    "wait until the count falls",
                    scope,
                    ident,
                    count,
                    seconds,
                )
