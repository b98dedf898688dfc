"""Retention (IPP 9): what has passed a school's periods, previewed for leaders, removed nightly.

- A student's records are kept ``records_years`` after the day they left; then the student
  goes with everything of theirs, their sign-in account if it is nobody else's, and their
  whānau then linked to no student of the school (with their accounts, if nobody else's).
- Evidence files are kept ``evidence_years`` after they were added (each app says how).
- The audit trail and sent emails are kept ``audit_years``; closed privacy requests and
  expired exports ``records_years``.
- Nothing goes before it has been in the leaders' preview for ``GRACE``: what falls due on a
  day goes then or ``GRACE`` after the periods last changed, whichever is later.

Each app registers ``function(school, *, policy, today, apply) -> Iterable[Due]`` in
``hooks.RETENTION``: without ``apply``, what is due by ``today``, a ``Due`` for each day it
goes (``on``); with ``apply``, it removes that and says how much. Files go only once the
removal has committed (``delete_files_on_commit``). Hooks run in ``order``: the apps list
the files of a leaver's rows (order 10) before the ground floor deletes the leaver (900).
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships import audit
from partnerships.models import (
    AuditEvent,
    OutboxEmail,
    PrivacyExport,
    PrivacyPolicy,
    PrivacyRequest,
    School,
    Staff,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)
from partnerships.privacy.hooks import RETENTION, Due
from partnerships.privacy.policy import policy_of

logger = logging.getLogger(__name__)

GRACE = datetime.timedelta(days=14)
PREVIEW_DAYS = 30
NAMES_SHOWN = 20  # the leader's preview names this many of a kind, and says how many more

STUDENTS = gettext_lazy("student records")
WHANAU = gettext_lazy("whānau members")
ACCOUNTS = gettext_lazy("sign-in accounts")
AUDIT = gettext_lazy("audit entries")
REQUESTS = gettext_lazy("closed privacy requests")
EXPORTS = gettext_lazy("expired exports")
EMAILS = gettext_lazy("sent emails")


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
    are due; those that started on or before ``lump`` were due by the grace day, and go on it."""

    grace: datetime.date
    last: datetime.date
    lump: datetime.date
    years: int
    zone: object

    def removal_day(self, started: datetime.date) -> datetime.date:
        return max(years_after(started, self.years), self.grace)

    def until(self, name: str, *, dates: bool = False) -> Q:
        """Started on or before ``last``: ``name`` a date field if ``dates``, else a time."""
        return self._by(name, self.last, dates)

    def started(self, name: str, *, dates: bool = False):
        """The day a row started, as the SQL groups it: the lump's day for all it holds."""
        return Case(
            When(self._by(name, self.lump, dates), then=Value(self.lump)),
            default=F(name) if dates else TruncDate(name, tzinfo=self.zone),
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
    )


def grouped(
    what, rows: Iterable[dict], win: Window, names: Iterable[tuple[datetime.date, str]] = ()
) -> list[Due]:
    """``Due``s a day each from SQL's counts by start day (``day``, ``n``), with the names of
    the first few (their start day, their name) beside their day's count."""
    counts: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        counts[win.removal_day(row["day"])] += row["n"]
    named: dict[datetime.date, list[str]] = defaultdict(list)
    for started, name in names:
        named[win.removal_day(started)].append(name)
    return [Due(what, n, on, named[on]) for on, n in sorted(counts.items()) if n]


def counted(what, queryset, win: Window, name: str, *, dates: bool = False, names=()) -> list[Due]:
    """Counts by removal day of ``queryset`` (already limited to ``win``), in one query; with
    ``names`` as ``grouped`` takes them."""
    rows = (
        queryset.order_by()
        .annotate(day=win.started(name, dates=dates))
        .values("day")
        .annotate(n=Count("pk"))
    )
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


# The ground floor's parts ------------------------------------------------------------------


def leavers_due(school: School, *, policy: PrivacyPolicy, today: datetime.date):
    """The school's students whose records have passed their time by ``today``: for the apps
    above, to list the files of their rows before the ground floor deletes them."""
    win = window(school, policy, today, policy.records_years)
    if win is None:
        return Student.objects.none()
    return Student.objects.filter(school=school).filter(win.until("left_on", dates=True))


def _whanau_due(school: School, win: Window):
    """Whānau whose every student is a leaver due to go: the last of them left by ``last``."""
    links = WhanauLink.objects.filter(whanau=OuterRef("pk"))
    # A subquery, not an aggregate: the preview groups these by day in SQL.
    last_left = links.order_by(F("student__left_on").desc(nulls_first=True)).values(
        "student__left_on"
    )[:1]
    return (
        WhanauMember.objects.filter(school=school)
        .exclude(Exists(links.filter(student__left_on__isnull=True)))
        .annotate(last_left=Subquery(last_left))
        .filter(last_left__isnull=False, last_left__lte=win.last)
    )


@RETENTION.register("partnerships.leavers", order=900)
def leavers(school, *, policy, today, apply):
    win = window(school, policy, today, policy.records_years)
    if win is None:
        return []
    students = leavers_due(school, policy=policy, today=today)
    whanau = _whanau_due(school, win)
    if not apply:
        firsts = students.order_by("left_on", "last_name", "first_name", "pk")[:NAMES_SHOWN]
        listed_whanau = whanau.order_by("last_left", "name", "pk")[:NAMES_SHOWN]
        return [
            *counted(
                STUDENTS,
                students,
                win,
                "left_on",
                dates=True,
                names=[(each.left_on, each.full_name) for each in firsts],
            ),
            *counted(
                WHANAU,
                whanau,
                win,
                "last_left",
                dates=True,
                names=[(each.last_left, each.name) for each in listed_whanau],
            ),
        ]
    student_ids = list(students.values_list("pk", flat=True))
    if not student_ids:
        return []
    whanau_ids = list(whanau.values_list("pk", flat=True))
    user_ids = set(students.exclude(user=None).values_list("user", flat=True))
    user_ids |= set(
        WhanauMember.objects.filter(pk__in=whanau_ids)
        .exclude(user=None)
        .values_list("user", flat=True)
    )
    # Requests about these students go with them (and their exports' files).
    files = files_of(PrivacyExport.objects.filter(request__student__in=student_ids), "file")
    Student.objects.filter(pk__in=student_ids).delete()
    removed_whanau = WhanauMember.objects.filter(pk__in=whanau_ids).delete()[1]
    accounts = _orphan_accounts(user_ids)
    files += files_of(
        PrivacyExport.objects.filter(
            Q(recipient__in=accounts) | Q(request__requester__in=accounts)
        ),
        "file",
    )
    removed_accounts = User.objects.filter(pk__in=accounts).delete()[1]
    delete_files_on_commit(files)
    return [
        Due(STUDENTS, len(student_ids), today),
        Due(WHANAU, removed_whanau.get(WhanauMember._meta.label, 0), today),
        Due(ACCOUNTS, removed_accounts.get(User._meta.label, 0), today),
    ]


def _orphan_accounts(user_ids: set[int]) -> list[int]:
    """Of ``user_ids``, the accounts that are now nobody's: no staff place, no whānau of any
    school, no student, not someone who runs the service."""
    if not user_ids:
        return []
    return list(
        User.objects.filter(pk__in=user_ids, is_staff=False, is_superuser=False)
        .exclude(Exists(Staff.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(WhanauMember.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(Student.objects.filter(user=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


def _whole(what, rows, name: str, period: str, files=lambda due: ()):
    """A hook for rows of a school that go whole ``period`` years after their ``name`` time;
    ``files``: the stored files going with them."""

    def hook(school, *, policy, today, apply):
        win = window(school, policy, today, getattr(policy, period))
        if win is None:
            return []
        due = rows(school).filter(win.until(name))
        if not apply:
            return counted(what, due, win, name)
        going = list(files(due))
        removed = due.delete()[1].get(due.model._meta.label, 0)
        delete_files_on_commit(going)
        return [Due(what, removed, today)]

    return hook


for _name, _hook in {
    "partnerships.audit": _whole(
        AUDIT, lambda school: AuditEvent.objects.filter(school=school), "at", "audit_years"
    ),
    "partnerships.outbox": _whole(
        EMAILS,
        lambda school: OutboxEmail.objects.filter(school=school, status=OutboxEmail.Status.SENT),
        "sent_at",
        "audit_years",
    ),
    "partnerships.exports": _whole(
        EXPORTS,
        lambda school: PrivacyExport.objects.filter(
            school=school, status=PrivacyExport.Status.EXPIRED
        ),
        "created_at",
        "records_years",
        files=lambda due: files_of(due, "file"),
    ),
    # A request's export goes with it.
    "partnerships.requests": _whole(
        REQUESTS,
        lambda school: PrivacyRequest.objects.filter(
            school=school, closed_at__isnull=False
        ).exclude(status=PrivacyRequest.Status.OPEN),
        "closed_at",
        "records_years",
        files=lambda due: files_of(PrivacyExport.objects.filter(request__in=due), "file"),
    ),
}.items():
    RETENTION.register(_name, order=800)(_hook)


# The preview and the run ---------------------------------------------------------------


@dataclass
class Preview:
    """What goes tonight (a ``Due`` a kind, today's), and what falls due after, by day."""

    today: datetime.date
    policy: PrivacyPolicy
    grace: datetime.date
    tonight: list[Due] = field(default_factory=list)
    coming: list[Due] = field(default_factory=list)


def _merge(dues: Iterable[Due], on: datetime.date) -> list[Due]:
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
    """What a run on ``today`` removes, and what falls due in the ``days`` after, each with
    its day and (for the leader's eyes only) the first few names. Reads only."""
    policy = policy_of(school)
    horizon = today + datetime.timedelta(days=days)
    dues = [
        due
        for entry in RETENTION
        for due in entry.function(school, policy=policy, today=horizon, apply=False)
        if due.count
    ]
    preview = Preview(today=today, policy=policy, grace=grace_day(policy, school.zone))
    preview.tonight = _merge((due for due in dues if due.on <= today), today)
    preview.coming = sorted(
        (due for due in dues if due.on > today), key=lambda due: (due.on, str(due.what))
    )
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
