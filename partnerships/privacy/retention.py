"""Retention (IPP 9): what has passed a school's periods, previewed for leaders, removed nightly.

- A student's records are kept ``records_years`` after the day they left; then the student
  goes with everything of theirs, their sign-in account if it is nobody else's, and their
  whānau then linked to no student of the school (with their accounts, if nobody else's, and
  their household once nobody lives in it). A leaver an open privacy request is about (made
  about them, by them, or by their whānau) waits, with their whānau, until it is closed.
- Evidence files are kept ``evidence_years`` after they were added (each app says how).
- The audit trail and the emails sent or given up on are kept ``audit_years``; closed
  privacy requests and expired exports ``records_years``; imports (the rows read from a
  school's file) ``IMPORT_YEARS`` after they were uploaded.
- Nothing goes before it has been in the leaders' preview for ``GRACE``: what falls due on a
  day goes then, or ``GRACE`` after the periods last changed, or (a leaver) ``GRACE`` after
  they were marked as having left, whichever is latest: a leaving date typed years in the
  past is shown before it is acted on.

Each app registers ``function(school, *, policy, today, apply) -> Iterable[Due]`` in
``hooks.RETENTION``: without ``apply``, what is due by ``today``, a ``Due`` for each day it
goes (``on``; None for what waits on an open request); with ``apply``, it removes that and
says how much. Files go only once the removal has committed (``delete_files_on_commit``).
Hooks run in ``order``: the apps list the files of a leaver's rows (order 10) before the
ground floor (``retention_hooks``) deletes the leaver (900). This module is the clock, the
counting and the run.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.models import AuditEvent, PrivacyPolicy, PrivacyRequest, School, Student
from partnerships.privacy.hooks import RETENTION, Due
from partnerships.privacy.policy import policy_of

logger = logging.getLogger(__name__)

GRACE = datetime.timedelta(days=14)
PREVIEW_DAYS = 30
NAMES_SHOWN = 20  # the leader's preview names this many of a kind, and says how many more
IMPORT_YEARS = 1  # an import is a working file: its rows are in the school's records by then


# Dates -----------------------------------------------------------------------------------


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year without one: due the day after the 28th
        return day.replace(year=day.year + years, month=3, day=1)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The last start day due by ``day``: the inverse of ``years_after``, so the preview's
    days and a run's removals agree, 29 February too."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def local_today(school: School) -> datetime.date:
    return timezone.now().astimezone(school.zone).date()


def grace_day(policy: PrivacyPolicy, zone) -> datetime.date:
    """The first day anything may go: ``GRACE`` after the periods last changed."""
    return (policy.periods_changed_at + GRACE).astimezone(zone).date()


def start_of(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


@dataclass(frozen=True)
class Window:
    """What ``years`` of a period means on ``today``: things that started on or before ``last``
    are due; those that started on or before ``lump`` were due by the grace day, and go on it.
    A thing marked at a time (a leaver) is due only ``GRACE`` days after the day it was."""

    grace: datetime.date
    last: datetime.date
    lump: datetime.date
    years: int
    zone: object
    today: datetime.date

    def removal_day(
        self, started: datetime.date, marked: datetime.date | None = None
    ) -> datetime.date:
        day = max(years_after(started, self.years), self.grace)
        return day if marked is None else max(day, marked + GRACE)

    def until(self, name: str, *, dates: bool = False) -> Q:
        """Started on or before ``last``: ``name`` a date field if ``dates``, else a time."""
        return self._by(name, self.last, dates)

    def marked_until(self, name: str) -> Q:
        """Never marked (``name`` a time), or marked ``GRACE`` days or more before today."""
        return Q(**{f"{name}__isnull": True}) | self._by(name, self.today - GRACE, False)

    def started(self, name: str, *, dates: bool = False):
        """The day a row started, as the SQL groups it: the lump's day for all it holds."""
        return Case(
            When(self._by(name, self.lump, dates), then=Value(self.lump)),
            default=F(name) if dates else TruncDate(name, tzinfo=self.zone),
            output_field=models.DateField(),
        )

    def marked(self, name: str):
        """The day a row was marked, as the SQL groups it: None when that cannot hold it back
        past the grace day (never marked, or long before)."""
        return Case(
            When(Q(**{f"{name}__isnull": True}), then=Value(None)),
            When(self._by(name, self.grace - GRACE, False), then=Value(None)),
            default=TruncDate(name, tzinfo=self.zone),
            output_field=models.DateField(),
        )

    def _by(self, name: str, day: datetime.date, dates: bool) -> Q:
        if dates:
            return Q(**{f"{name}__lte": day})
        return Q(**{f"{name}__lt": start_of(day + datetime.timedelta(days=1), self.zone)})


def window(school: School, policy: PrivacyPolicy, today: datetime.date, years: int):
    """The window of a period on ``today``, or None while nothing may go (the grace days)."""
    zone = school.zone
    grace = grace_day(policy, zone)
    if today < grace:
        return None
    return Window(
        grace=grace,
        last=years_before(today, years),
        lump=years_before(grace, years),
        years=years,
        zone=zone,
        today=today,
    )


def grouped(what, rows: Iterable[dict], win: Window, names: Iterable[tuple] = ()) -> list[Due]:
    """``Due``s a day each from SQL's counts by start day (``day``, ``n``, and ``marked`` if
    the rows have it), with the names of the first few beside their day's count: each
    ``(start day, name)`` or ``(start day, marked day or None, name)``."""
    counts: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        counts[win.removal_day(row["day"], row.get("marked"))] += row["n"]
    named: dict[datetime.date, list[str]] = defaultdict(list)
    for *days, name in names:
        named[win.removal_day(*days)].append(name)
    return [Due(what, n, on, named[on]) for on, n in sorted(counts.items()) if n]


def counted(
    what,
    queryset,
    win: Window,
    name: str,
    *,
    dates: bool = False,
    marked: str | None = None,
    names=(),
) -> list[Due]:
    """Counts by removal day of ``queryset`` (already limited to ``win``), in one query:
    by its ``name`` start and, with ``marked``, the time that names; ``names`` as
    ``grouped`` takes them."""
    days = {"day": win.started(name, dates=dates)}
    if marked:
        days["marked"] = win.marked(marked)
    rows = queryset.order_by().annotate(**days).values(*days).annotate(n=Count("pk"))
    return grouped(what, rows, win, names)


# Files -----------------------------------------------------------------------------------


def files_of(queryset, name: str) -> list[tuple[object, str]]:
    """The stored files (storage, name) of ``queryset``'s ``name`` file field, in one query."""
    storage = queryset.model._meta.get_field(name).storage
    return [(storage, each) for each in queryset.exclude(**{name: ""}).values_list(name, flat=True)]


def delete_files_on_commit(files: list[tuple[object, str]]) -> None:
    """Delete the files once the transaction removing their rows has committed."""
    if not files:
        return

    def delete():
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                # The rows are gone and stay gone; the file's name is random, nothing personal.
                logger.warning("Retention could not delete the file %s", name)

    transaction.on_commit(delete, robust=True)


# Leavers ---------------------------------------------------------------------------------


def leavers(school: School, win: Window):
    """The school's students whose records have passed their time by the window's day, and
    were marked as having left ``GRACE`` before it; whatever is asked about them."""
    return Student.objects.filter(
        Q(school=school), win.until("left_on", dates=True), win.marked_until("left_marked_at")
    )


def waiting():
    """A student an open privacy request is about: made about them, by them or by their
    whānau. Their records wait for it to be closed (what it asks for must still be there)."""
    open_requests = PrivacyRequest.objects.filter(
        school=OuterRef("school"), status=PrivacyRequest.Status.OPEN
    )
    return (
        Exists(open_requests.filter(student=OuterRef("pk")))
        | Exists(open_requests.filter(requester=OuterRef("user")))
        | Exists(open_requests.filter(requester__whanau_memberships__links__student=OuterRef("pk")))
    )


def leavers_due(school: School, *, policy: PrivacyPolicy, today: datetime.date):
    """The leavers that go by ``today``: for the apps above, to list the files of their rows
    before the ground floor deletes them."""
    win = window(school, policy, today, policy.records_years)
    if win is None:
        return Student.objects.none()
    return leavers(school, win).exclude(waiting())


# The preview and the run ---------------------------------------------------------------


@dataclass
class Preview:
    """What goes tonight (a ``Due`` a kind, today's), what falls due after, by day, and what
    would be due but waits for an open privacy request."""

    today: datetime.date
    policy: PrivacyPolicy
    grace: datetime.date
    tonight: list[Due] = field(default_factory=list)
    coming: list[Due] = field(default_factory=list)
    waiting: list[Due] = field(default_factory=list)


def _merge(dues: Iterable[Due], on: datetime.date | None) -> list[Due]:
    """One ``Due`` a kind: counts added, names kept up to ``NAMES_SHOWN``."""
    merged: dict[str, Due] = {}
    for due in dues:
        key = str(due.what)
        if key in merged:
            before = merged[key]
            names = (before.names + due.names)[:NAMES_SHOWN]
            merged[key] = Due(before.what, before.count + due.count, on, names)
        else:
            merged[key] = Due(due.what, due.count, on, list(due.names))
    return list(merged.values())


def retention_preview(school: School, *, today: datetime.date, days: int = PREVIEW_DAYS):
    """What a run on ``today`` removes, what falls due in the ``days`` after, each with its
    day, and what waits on an open request; for the leader's eyes only, the first few names.
    Reads only."""
    policy = policy_of(school)
    horizon = today + datetime.timedelta(days=days)
    dues = [
        due
        for entry in RETENTION
        for due in entry.function(school, policy=policy, today=horizon, apply=False)
        if due.count
    ]
    dated = [due for due in dues if due.on is not None]
    preview = Preview(today=today, policy=policy, grace=grace_day(policy, school.zone))
    preview.tonight = _merge((due for due in dated if due.on <= today), today)
    preview.coming = sorted(
        (due for due in dated if due.on > today), key=lambda due: (due.on, str(due.what))
    )
    preview.waiting = _merge((due for due in dues if due.on is None), None)
    return preview


def summary(removed: dict[str, int]) -> str:
    """The audit entry's words: counts of each kind, nothing of whose they were."""
    counts = ", ".join(f"{what} ({n})" for what, n in removed.items())
    return _("Retention: removed %(counts)s") % {"counts": counts}


@transaction.atomic
def retention_apply(school: School, *, today: datetime.date) -> dict[str, int]:
    """Remove what has passed the school's periods by ``today``: once, whatever the number of
    runs (a second run finds nothing more). Counts by kind; one audit entry if anything went.

    A school with no policy gets one now: its periods start counting their grace days."""
    policy, _created = PrivacyPolicy.objects.get_or_create(school=school)
    # One run at a time per school: a second waits here, then finds nothing left to do.
    policy = PrivacyPolicy.objects.select_for_update().get(pk=policy.pk)
    removed: dict[str, int] = {}
    for entry in RETENTION:
        for due in entry.function(school, policy=policy, today=today, apply=True):
            if due.count:
                key = str(due.what)
                removed[key] = removed.get(key, 0) + due.count
    if removed:
        audit.record(
            actor=None,
            action=AuditEvent.Action.DELETED,
            obj=school,
            student=None,
            summary=summary(removed),
        )
    return removed


def last_runs(school: School, limit: int = 5):
    """The school's last retention runs, from its audit trail: when, and the counts."""
    return AuditEvent.objects.filter(
        school=school,
        action=AuditEvent.Action.DELETED,
        object_type=School._meta.label_lower,
        student=None,
    ).only("at", "summary")[:limit]
