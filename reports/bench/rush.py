"""The booking rush: a round opens and hundreds of families book in the same minute.

Each family does what a browser does: opens the round's booking page, takes a moment to
choose one of the first free times with their child's teacher (so families race for the same
times, as they do), presses Book, and follows the answer: to their bookings when booked, or
back to the page when someone was quicker, where they choose again. Every request is timed.
"""

import datetime
import http.cookies
import random
import threading
import time
import urllib.parse
import zoneinfo
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db.models import Count
from django.utils import timezone

from conversations.models import Booking, ConversationRound, LearningConversation, Place
from conversations.rounds import round_create, slots_add_for_teachers
from partnerships.models import Classroom, School, User, WhanauLink
from reports.bench.serve import request

TITLE = "Booking rush (benchmark)"
TRIES = 4  # a family refused this often gives up, as a person would


class BookForm(HTMLParser):
    """The fields of the page's booking form (the one whose action is "book")."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[dict]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = True
            self.forms.append([])
        elif tag in ("input", "button") and self._open:
            self.forms[-1].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False

    def choice(self, rng: random.Random) -> dict | None:
        """What a family sends: the form's hidden fields, the way to meet it offers first, and
        one of the first three times offered for the first child with any; None without one."""
        for inputs in self.forms:
            if {"name": "action", "value": "book", "type": "hidden"} not in [
                {k: a.get(k) for k in ("name", "value", "type")} for a in inputs
            ]:
                continue
            data, times = {}, {}
            for attrs in inputs:
                name, value = attrs.get("name"), attrs.get("value") or ""
                if not name:
                    continue
                if attrs.get("type") == "hidden":
                    data[name] = value
                elif attrs.get("type") == "radio" and name.startswith("time-") and value:
                    times.setdefault(name, []).append(value)
                elif attrs.get("type") == "radio":
                    data.setdefault(name, value)
            if not times:
                return None
            name, offered = next(iter(times.items()))
            data[name] = rng.choice(offered[:3])
            return data
        return None


@dataclass
class Result:
    timings: dict[str, list[float]] = field(default_factory=dict)  # by kind of request, in ms
    errors: list[str] = field(default_factory=list)
    booked: int = 0
    gave_up: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, status: int, expected: tuple[int, ...], path: str):
        with self.lock:
            self.timings.setdefault(kind, []).append(ms)
            if status not in expected:
                self.errors.append(f"{kind} {path}: {status}")


def open_rush(school: School, *, classes: int) -> tuple[ConversationRound, list[User]]:
    """A round for ``classes`` of the school's classes, open from now, with an evening of
    ten-minute times for each of their teachers next week; and the families who may book in
    it (one login per household with a child in those classes)."""
    leader = User.objects.filter(
        staff_memberships__school=school, staff_memberships__role="leader"
    ).order_by("pk")[0]
    chosen = list(
        Classroom.objects.filter(school=school, teachers__isnull=False)
        .distinct()
        .order_by("pk")[:classes]
    )
    conversation_round = round_create(
        school=school,
        by=leader,
        classes=chosen,
        title=TITLE,
        kind=LearningConversation.Kind.THREE_WAY,
        minutes=10,
        ways=[Place.AT_SCHOOL],
    )
    day = _next_weekday(school)
    hosts = User.objects.filter(classes_taught__in=chosen).distinct()
    slots_add_for_teachers(
        conversation_round=conversation_round,
        by=leader,
        hosts=hosts,
        date=day,
        first=datetime.time(15),
        last=datetime.time(19),
        place=Place.AT_SCHOOL,
    )
    links = (
        WhanauLink.objects.with_access()
        .filter(student__classroom__in=chosen, whanau__user__isnull=False)
        .order_by("student_id", "pk")
        .values_list("whanau__user_id", "whanau__household_id")
    )
    families, households = [], set()
    for user_id, household in links:
        if household is None or household not in households:
            households.add(household)
            families.append(user_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=families)}
    return conversation_round, [users[pk] for pk in dict.fromkeys(families)]


def family_books(
    server, path: str, cookie: str, result: Result, rng: random.Random, think, tries=TRIES
):
    """One family's visit, as their browser makes it."""
    for _try in range(tries):
        started = time.perf_counter()
        status, headers, body = request(server.port, "GET", path, cookie=cookie)
        result.add("booking page", _ms(started), status, (200,), path)
        cookie = _with_cookies(cookie, headers)
        page = BookForm()
        page.feed(body)
        data = page.choice(rng)
        if data is None:
            with result.lock:
                result.gave_up += 1
            return
        time.sleep(think())
        started = time.perf_counter()
        status, headers, _body = request(
            server.port, "POST", path, cookie=cookie, body=urllib.parse.urlencode(data)
        )
        result.add("Book", _ms(started), status, (200, 302), path)
        if status == 302:
            with result.lock:
                result.booked += 1
            location = urllib.parse.urlsplit(headers.get("Location", "")).path
            started = time.perf_counter()
            status, _headers, _body = request(server.port, "GET", location, cookie=cookie)
            result.add("my bookings", _ms(started), status, (200,), location)
            return
        if status != 200:
            return
    with result.lock:
        result.gave_up += 1


def double_bookings(conversation_round: ConversationRound) -> int:
    """Times held by more than one active booking (the database refuses it; this checks)."""
    taken = (
        Booking.objects.active()
        .filter(slot__round=conversation_round)
        .values("slot")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return taken.count()


def close_rush(conversation_round: ConversationRound) -> None:
    """The round goes, and its times and bookings with it."""
    conversation_round.delete()


def _with_cookies(cookie: str, headers) -> str:
    """The browser's cookies after an answer: the CSRF cookie a form page sets, say."""
    jar = http.cookies.SimpleCookie(cookie)
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _next_weekday(school: School) -> datetime.date:
    day = timezone.now().astimezone(zoneinfo.ZoneInfo(school.timezone)).date()
    day += datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day
