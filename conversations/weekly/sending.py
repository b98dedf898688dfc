"""Sending the weekly updates home: exactly once per update and whānau member.

How it holds together:

1. Beat wakes every few minutes and asks ``due_school_weeks`` which schools'
   local send time has passed this week with something still to send: a ready
   update not yet queued (approved late, or sent early with ``--now``), or a
   delivery waiting for a retry.
2. ``week_send`` claims the school's week (``WeekSend``) with a conditional
   UPDATE: two workers never both run it; a claim left by a worker that died
   is taken again after ``STALE``.
3. It writes one ``UpdateDelivery`` row per ready update and recipient
   (unique in the database, ``ignore_conflicts``), *before* any email, and
   marks those updates queued: they have gone home and can no longer change.
4. It sends queued rows in batches over one mail connection, claiming each
   batch first and marking each row sent straight after its email. A worker
   killed mid-run leaves sent rows sent and the rest queued: running again
   sends each remaining recipient once.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core import mail as django_mail
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from conversations.weekly.models import UpdateDelivery, WeeklyUpdate, WeekSend
from partnerships import mail
from partnerships.models import School, Student, WhanauLink

logger = logging.getLogger(__name__)

STALE = datetime.timedelta(minutes=30)
BATCH = 200
MAX_ATTEMPTS = 5
READ_SALT = "weekly-update-read"
UNSUBSCRIBE_SALT = "weekly-update-unsubscribe"
READ_LINK_DAYS = 30
UNSUBSCRIBE_LINK_DAYS = 180


# Which weeks are due ---------------------------------------------------------------


def due_school_weeks(now: datetime.datetime | None = None) -> list[tuple[int, datetime.date]]:
    """(school id, week) for each school past this week's send time with something to send.

    Three queries however many schools; a missed beat is made up by the next one.
    """
    now = now or timezone.now()
    candidates = set()
    for school in School.objects.only(
        "pk", "timezone", "weekly_update_weekday", "weekly_update_time"
    ):
        week = school.week_of(now)
        if now >= school.send_time(week):
            candidates.add((school.pk, week))
    if not candidates:
        return []
    school_ids = {school_id for school_id, _week in candidates}
    weeks = {week for _school_id, week in candidates}
    waiting = set(
        WeeklyUpdate.objects.ready_to_send()
        .filter(queued_at__isnull=True, week__in=weeks, student__school_id__in=school_ids)
        .values_list("student__school_id", "week")
        .distinct()
    ) | set(
        UpdateDelivery.objects.filter(
            Q(status=UpdateDelivery.Status.QUEUED)
            | Q(status=UpdateDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS),
            update__week__in=weeks,
            update__student__school_id__in=school_ids,
        )
        .values_list("update__student__school_id", "update__week")
        .distinct()
    )
    return sorted(candidates & waiting)


# Sending ---------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    claimed: bool = True


def _claim_week(school_id: int, week: datetime.date, now) -> bool:
    WeekSend.objects.get_or_create(school_id=school_id, week=week)
    return bool(
        WeekSend.objects.filter(school_id=school_id, week=week)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE))
        .update(claimed_at=now)
    )


def deliveries_create(*, school_id: int, week: datetime.date) -> int:
    """One queued row per ready update and whānau member who has access and wants it.

    The rows and the updates' "queued" mark are written together: an update has gone home
    exactly when its deliveries exist.
    """
    updates = WeeklyUpdate.objects.ready_to_send().filter(
        week=week, student__school_id=school_id, queued_at__isnull=True
    )
    with transaction.atomic():
        ready = dict(updates.select_for_update().values_list("pk", "student_id"))
        links = (
            WhanauLink.objects.with_access()
            .filter(receives_weekly_update=True, student_id__in=set(ready.values()))
            .exclude(whanau__email="")
            .values_list("pk", "whanau_id", "student_id")
        )
        update_of = {student_id: update_id for update_id, student_id in ready.items()}
        rows = [
            UpdateDelivery(update_id=update_of[student_id], whanau_id=whanau_id, link_id=link_id)
            for link_id, whanau_id, student_id in links
        ]
        UpdateDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        WeeklyUpdate.objects.filter(pk__in=list(ready)).update(queued_at=timezone.now())
    return len(rows)


def week_send(*, school_id: int, week: datetime.date) -> SendResult:
    """Send a school's week. Safe to run again at any point: nobody gets anything twice."""
    now = timezone.now()
    if not _claim_week(school_id, week, now):
        return SendResult(claimed=False)
    deliveries_create(school_id=school_id, week=week)
    deliveries = UpdateDelivery.objects.filter(
        update__week=week, update__student__school_id=school_id
    )
    # Failed ones stay "failed, with the reason" between runs; each run tries them again.
    deliveries.filter(status=UpdateDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS).update(
        status=UpdateDelivery.Status.QUEUED, claimed_at=None
    )
    result = SendResult()
    # Find the week's queued rows once, without a status filter in SQL: with one, PostgreSQL
    # probes the status index once per update in every batch (quadratic on 10,000 emails).
    # Each batch then claims by primary key, and the claim re-checks status and claimed_at.
    ids = [
        pk
        for pk, status in deliveries.order_by("pk").values_list("pk", "status")
        if status == UpdateDelivery.Status.QUEUED
    ]
    for start in range(0, len(ids), BATCH):
        batch = deliveries_send_batch(
            UpdateDelivery.objects.filter(pk__in=ids[start : start + BATCH])
        )
        result.sent += batch.sent
        result.failed += batch.failed
    # Let go of the week: the task's retry, or the next beat, takes it again if anything is left.
    WeekSend.objects.filter(school_id=school_id, week=week).update(
        claimed_at=None, finished_at=timezone.now()
    )
    return result


def deliveries_send_batch(queued, *, size: int = BATCH) -> SendResult:
    """Claim up to ``size`` queued rows, email each, and mark each straight after its email."""
    now = timezone.now()
    ids = list(queued.claimable(now, STALE).order_by("pk").values_list("pk", flat=True)[:size])
    if not ids:
        return SendResult()
    claimed = UpdateDelivery.objects.claimable(now, STALE).filter(pk__in=ids).update(claimed_at=now)
    if not claimed:
        return SendResult()
    rows = list(
        UpdateDelivery.objects.filter(pk__in=ids, claimed_at=now)
        .select_related("update__student__school", "update__goal", "whanau")
        .order_by("pk")
    )
    result = SendResult()
    with django_mail.mailers.default as connection:
        for delivery in rows:
            try:
                connection.send_messages([update_message(delivery)])
            except Exception as error:  # a mail failure is recorded, and the run goes on
                logger.warning("Weekly update %s not sent: %s", delivery.pk, error)
                UpdateDelivery.objects.filter(pk=delivery.pk).update(
                    status=UpdateDelivery.Status.FAILED,
                    reason=str(error)[:300],
                    attempts=delivery.attempts + 1,
                )
                result.failed += 1
            else:
                UpdateDelivery.objects.filter(pk=delivery.pk).update(
                    status=UpdateDelivery.Status.SENT,
                    sent_at=timezone.now(),
                    attempts=delivery.attempts + 1,
                    reason="",
                )
                result.sent += 1
    return result


# The email -----------------------------------------------------------------------------


def read_token(delivery: UpdateDelivery) -> str:
    return signing.dumps({"d": delivery.pk}, salt=READ_SALT, compress=True)


def unsubscribe_token(link_id: int) -> str:
    return signing.dumps({"l": link_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def delivery_for_read_token(token: str) -> UpdateDelivery:
    """Raises ``signing.BadSignature`` (tampered) or ``signing.SignatureExpired``."""
    data = signing.loads(token, salt=READ_SALT, max_age=datetime.timedelta(days=READ_LINK_DAYS))
    return UpdateDelivery.objects.select_related("update", "whanau").get(pk=data["d"])


def link_for_unsubscribe_token(token: str) -> WhanauLink:
    data = signing.loads(
        token, salt=UNSUBSCRIBE_SALT, max_age=datetime.timedelta(days=UNSUBSCRIBE_LINK_DAYS)
    )
    return WhanauLink.objects.select_related("student", "whanau").get(pk=data["l"])


def update_message(delivery: UpdateDelivery) -> django_mail.EmailMultiAlternatives:
    """The update as one multipart email in the reader's language, with reply and unsubscribe."""
    update = delivery.update
    student: Student = update.student
    unsubscribe_url = mail.absolute_url(
        reverse("weekly_update_unsubscribe", args=[unsubscribe_token(delivery.link_id)])
    )
    return mail.compose(
        template="conversations/weekly/email/weekly_update",
        to=delivery.whanau.email,
        language=delivery.whanau.preferred_language,
        context={
            "update": update,
            "student": student,
            "school": student.school,
            "whanau": delivery.whanau,
            "read_url": mail.absolute_url(
                reverse("weekly_update_read", args=[read_token(delivery)])
            ),
            "unsubscribe_url": unsubscribe_url,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# Reminders for updates not yet written ---------------------------------------------------


def due_reminders(now: datetime.datetime | None = None) -> list[tuple[int, datetime.date]]:
    """Schools within their reminder window before this week's send, not yet reminded."""
    now = now or timezone.now()
    due = []
    for school in School.objects.only(
        "pk", "timezone", "weekly_update_weekday", "weekly_update_time", "update_reminder_hours"
    ):
        week = school.week_of(now)
        send_at = school.send_time(week)
        if send_at - datetime.timedelta(hours=school.update_reminder_hours) <= now < send_at:
            due.append((school.pk, week))
    reminded = set(
        WeekSend.objects.filter(
            school_id__in=[pk for pk, _week in due], reminded_at__isnull=False
        ).values_list("school_id", "week")
    )
    return [pair for pair in due if pair not in reminded]


def reminders_send(*, school_id: int, week: datetime.date) -> int:
    """Tell each teacher who hasn't written yet, and students with an email. Once per week."""
    WeekSend.objects.get_or_create(school_id=school_id, week=week)
    if not WeekSend.objects.filter(school_id=school_id, week=week, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    ):
        return 0
    written = WeeklyUpdate.objects.filter(week=week, student=OuterRef("pk")).exclude(
        status=WeeklyUpdate.Status.DRAFT
    )
    waiting = list(
        Student.objects.filter(school_id=school_id)
        .exclude(Exists(written))
        .select_related("user", "classroom")
        .prefetch_related("classroom__teachers")
        .order_by("last_name", "pk")
    )
    by_teacher: dict = {}
    messages = []
    write_url = mail.absolute_url(reverse("weekly_update_write"))
    for student in waiting:
        for teacher in student.classroom.teachers.all() if student.classroom else []:
            by_teacher.setdefault(teacher, []).append(student)
        if student.user and student.user.email:
            messages.append(
                mail.compose(
                    template="conversations/weekly/email/update_reminder_student",
                    to=student.user.email,
                    language=student.user.preferred_language,
                    context={"student": student, "url": write_url},
                )
            )
    week_url = mail.absolute_url(reverse("weekly_update_week"))
    for teacher, students in by_teacher.items():
        if teacher.email:
            messages.append(
                mail.compose(
                    template="conversations/weekly/email/update_reminder_teacher",
                    to=teacher.email,
                    language=teacher.preferred_language,
                    context={"teacher": teacher, "students": students, "url": week_url},
                )
            )
    with django_mail.mailers.default as connection:
        connection.send_messages(messages)
    return len(messages)
