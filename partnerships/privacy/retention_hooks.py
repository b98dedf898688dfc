"""The ground floor's retention hooks (registered as the app loads, see ``apps.ready``).

- Leavers past ``records_years`` (and ``GRACE`` after they were marked as having left): the
  student with everything of theirs, their whānau then linked to no student of the school,
  the households nobody lives in after that, and the sign-in accounts now nobody's. A
  leaver an open privacy request is about waits, with their whānau, and the preview says so.
- Whole rows past their time: the audit trail and the emails sent, failed or not sent
  (``audit_years``; emails still waiting to go never), closed privacy requests and expired
  exports (``records_years``), and imports ``IMPORT_YEARS`` after they were uploaded (the
  rows read from the school's file, the check and what the import did).

The clock, the counting and the run are in ``retention``.
"""

import datetime

from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils.translation import gettext_lazy

from partnerships.models import (
    AuditEvent,
    Household,
    ImportJob,
    OutboxEmail,
    PrivacyExport,
    PrivacyRequest,
    Staff,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)
from partnerships.privacy.hooks import RETENTION, Due
from partnerships.privacy.retention import (
    GRACE,
    IMPORT_YEARS,
    NAMES_SHOWN,
    Window,
    counted,
    delete_files_on_commit,
    files_of,
    leavers,
    waiting,
    window,
)

STUDENTS = gettext_lazy("student records")
WHANAU = gettext_lazy("whānau members")
HOUSEHOLDS = gettext_lazy("households")
ACCOUNTS = gettext_lazy("sign-in accounts")
AUDIT = gettext_lazy("audit entries")
REQUESTS = gettext_lazy("closed privacy requests")
EXPORTS = gettext_lazy("expired exports")
EMAILS = gettext_lazy("emails sent or not sent")
IMPORTS = gettext_lazy("imported files")


# Leavers ---------------------------------------------------------------------------------


def _whanau_due(school, going):
    """Whānau linked to students, every one of them among ``going``."""
    links = WhanauLink.objects.filter(whanau=OuterRef("pk"))
    return (
        WhanauMember.objects.filter(school=school)
        .filter(Exists(links))
        .exclude(Exists(links.exclude(student__in=going)))
    )


def _latest(field: str, output):
    """The latest ``field`` of a whānau member's students (the last to go sets their day)."""
    links = WhanauLink.objects.filter(whanau=OuterRef("pk"))
    latest = links.order_by(F(f"student__{field}").desc(nulls_last=True))
    return Subquery(latest.values(f"student__{field}")[:1], output_field=output)


def _in_order(win: Window, left: str, marked: str):
    """Roughly the removal day, in SQL (on SQLite too): to name the first few to go. A year is
    counted as 365.25 days here; the day shown beside a name is ``win.removal_day``'s."""
    after = ExpressionWrapper(
        F(left) + datetime.timedelta(days=round(365.25 * win.years)),
        output_field=DateTimeField(),
    )
    shown = ExpressionWrapper(
        TruncDate(marked, tzinfo=win.zone) + GRACE, output_field=DateTimeField()
    )
    # Never marked: the day the years run out. (SQLite's MAX gives NULL for a NULL.)
    return Greatest(after, Coalesce(shown, after))


def _marked_day(when, win: Window):
    return when.astimezone(win.zone).date() if when else None


def _preview(win: Window, students, going, whanau) -> list[Due]:
    firsts = going.annotate(order=_in_order(win, "left_on", "left_marked_at")).order_by(
        "order", "last_name", "first_name", "pk"
    )[:NAMES_SHOWN]
    whanau = whanau.annotate(
        last_left=_latest("left_on", DateField()),
        last_marked=_latest("left_marked_at", DateTimeField()),
    )
    listed = whanau.annotate(order=_in_order(win, "last_left", "last_marked")).order_by(
        "order", "name", "pk"
    )[:NAMES_SHOWN]
    held = students.filter(waiting())
    held_names = [
        each.full_name for each in held.order_by("last_name", "first_name", "pk")[:NAMES_SHOWN]
    ]
    return [
        *counted(
            STUDENTS,
            going,
            win,
            "left_on",
            dates=True,
            marked="left_marked_at",
            names=[
                (each.left_on, _marked_day(each.left_marked_at, win), each.full_name)
                for each in firsts
            ],
        ),
        *counted(
            WHANAU,
            whanau,
            win,
            "last_left",
            dates=True,
            marked="last_marked",
            names=[
                (each.last_left, _marked_day(each.last_marked, win), each.name) for each in listed
            ],
        ),
        # Not on a day: until the request about them is closed.
        Due(STUDENTS, _how_many(held, held_names), None, held_names),
    ]


def _how_many(queryset, names: list[str]) -> int:
    """How many ``queryset`` holds, counted only when its names filled the list."""
    return queryset.count() if len(names) == NAMES_SHOWN else len(names)


@RETENTION.register("partnerships.leavers", order=900)
def leavers_hook(school, *, policy, today, apply):
    win = window(school, policy, today, policy.records_years)
    if win is None:
        return []
    students = leavers(school, win)
    going = students.exclude(waiting())
    whanau = _whanau_due(school, going)
    if not apply:
        return _preview(win, students, going, whanau)
    student_ids = list(going.values_list("pk", flat=True))
    if not student_ids:
        return []
    going = Student.objects.filter(pk__in=student_ids)
    whanau_ids = list(whanau.values_list("pk", flat=True))
    members = WhanauMember.objects.filter(pk__in=whanau_ids)
    household_ids = set(members.exclude(household=None).values_list("household", flat=True))
    user_ids = set(going.exclude(user=None).values_list("user", flat=True))
    user_ids |= set(members.exclude(user=None).values_list("user", flat=True))
    # Requests about these students go with them (and their exports' files).
    files = files_of(PrivacyExport.objects.filter(request__student__in=student_ids), "file")
    going.delete()
    removed_whanau = members.delete()[1].get(WhanauMember._meta.label, 0)
    removed_households = (
        Household.objects.filter(pk__in=household_ids)
        .exclude(Exists(WhanauMember.objects.filter(household=OuterRef("pk"))))
        .delete()[1]
        .get(Household._meta.label, 0)
    )
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
        Due(WHANAU, removed_whanau, today),
        Due(HOUSEHOLDS, removed_households, today),
        Due(ACCOUNTS, removed_accounts.get(User._meta.label, 0), today),
    ]


def _orphan_accounts(user_ids: set[int]) -> list[int]:
    """Of ``user_ids``, the accounts that are now nobody's: no staff place, no whānau of any
    school, no student, not someone who runs the service."""
    if not user_ids:
        return []
    return list(
        User.objects.filter(pk__in=user_ids, is_staff=False, is_superuser=False)
        .exclude(Exists(Staff.everyone.filter(user=OuterRef("pk"))))
        .exclude(Exists(WhanauMember.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(Student.objects.filter(user=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


# Whole rows ------------------------------------------------------------------------------


def _whole(what, rows, name: str, years, files=lambda due: ()):
    """A hook for rows of a school that go whole ``years`` after their ``name`` time:
    ``years`` the policy's period of that name, or a number; ``files``: the stored files
    going with them."""

    def hook(school, *, policy, today, apply):
        period = getattr(policy, years) if isinstance(years, str) else years
        win = window(school, policy, today, period)
        if win is None:
            return []
        due = rows(school).filter(win.until(name))
        if not apply:
            return counted(what, due, win, name)
        going = list(files(due))
        model = due.model
        removed = model.objects.filter(pk__in=due.values("pk")).delete()[1]
        delete_files_on_commit(going)
        return [Due(what, removed.get(model._meta.label, 0), today)]

    return hook


def _emails(school):
    """Emails done with: sent (from when they went), failed or not sent (from when they were
    written); an address is in each. Those still waiting to go stay."""
    done = (OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED, OutboxEmail.Status.SKIPPED)
    return OutboxEmail.objects.filter(school=school, status__in=done).annotate(
        done_at=Coalesce("sent_at", "created_at")
    )


for _name, _hook in {
    "partnerships.audit": _whole(
        AUDIT, lambda school: AuditEvent.objects.filter(school=school), "at", "audit_years"
    ),
    "partnerships.outbox": _whole(EMAILS, _emails, "done_at", "audit_years"),
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
    "partnerships.imports": _whole(
        IMPORTS,
        lambda school: ImportJob.objects.filter(school=school),
        "created_at",
        IMPORT_YEARS,
    ),
}.items():
    RETENTION.register(_name, order=800)(_hook)
