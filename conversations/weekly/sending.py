"""Sending the weekly updates home: exactly once per update and whānau member.

How it holds together:

1. Beat wakes every ten minutes and asks ``due_school_weeks`` which schools have a ready
   update not yet gone home in a week whose send time has passed (approved late, or
   this week's once the school's send time comes).
2. ``week_send`` writes one ``UpdateDelivery`` per ready update and recipient (unique in
   the database), its email in the outbox (``partnerships.outbox``), and the updates'
   "queued" mark, in one transaction and before any email: from then on the update has
   gone home and can no longer change.
3. The outbox sends them, whatever the week: nudged when the rows commit, swept every
   minute, claimed with a lease, retried with backoff. The builder here decides at send
   time, from the data as it is then (a link since marked no contact gets nothing), and
   the hooks mark each delivery sent, or failed with a reason in plain words.

Reminders before the send go through the outbox in the same way.
"""

import datetime
from dataclasses import dataclass

from django.core import mail as django_mail
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from conversations.weekly.models import UpdateDelivery, WeeklyUpdate, WeekSend
from partnerships import mail, outbox
from partnerships.models import OutboxEmail, School, Student, User, WhanauLink

READ_SALT = "weekly-update-read"
UNSUBSCRIBE_SALT = "weekly-update-unsubscribe"
READ_LINK_DAYS = 30
UNSUBSCRIBE_LINK_DAYS = 180
# An update approved after its week's send still goes home at the next beat, up to this
# many weeks late; older ones are history rather than news.
LATE_WEEKS = 2

UPDATE_KIND = "weekly_update"
UPDATE_TEMPLATE = "conversations/weekly/email/weekly_update"
TEACHER_REMINDER_KIND = "update_reminder_teacher"
STUDENT_REMINDER_KIND = "update_reminder_student"

# Why an email was not sent, for staff: stored untranslated, shown in the reader's language.
GONE = gettext_noop("The update or the whānau member was removed.")
UNLINKED = gettext_noop("They are no longer linked with this student.")
NO_CONTACT = gettext_noop("They were marked “no access / no contact” for this student.")
STOPPED = gettext_noop("They stopped the weekly update email.")
NO_EMAIL = gettext_noop("We have no email address for them.")
WRITTEN = gettext_noop("They have written their update since.")
ALL_WRITTEN = gettext_noop("Their students have all written their updates since.")
LEFT = gettext_noop("The student has left the school.")


# Which weeks are due ---------------------------------------------------------------


def due_school_weeks(now: datetime.datetime | None = None) -> list[tuple[int, datetime.date]]:
    """(school id, week) for each week past its send time with a ready update not yet gone.

    Two queries however many schools; a missed beat is made up by the next one. Deliveries
    already written are the outbox's to send, whatever their week, so they are not looked at.
    """
    now = now or timezone.now()
    current = {}
    for school in School.objects.only(
        "pk", "timezone", "weekly_update_weekday", "weekly_update_time"
    ):
        week = school.week_of(now)
        current[school.pk] = (week, now >= school.send_time(week))
    if not current:
        return []
    late = datetime.timedelta(weeks=LATE_WEEKS)
    waiting = (
        WeeklyUpdate.objects.ready_to_send()
        .filter(
            queued_at__isnull=True,
            week__gte=min(week for week, _passed in current.values()) - late,
            week__lte=max(week for week, _passed in current.values()),
            student__school_id__in=list(current),
        )
        .values_list("student__school_id", "week")
        .distinct()
    )
    due = set()
    for school_id, week in waiting:
        this_week, passed = current[school_id]
        if this_week - late <= week < this_week or (week == this_week and passed):
            due.add((school_id, week))
    return sorted(due)


# Writing the week ----------------------------------------------------------------------


def delivery_key(delivery_id: int) -> str:
    """The delivery's email in the outbox: one per delivery, however often it is written."""
    return f"weekly-update:{delivery_id}"


def deliveries_create(*, school_id: int, week: datetime.date) -> int:
    """One queued row per ready update and whānau member who has access and wants it, each
    with its email in the outbox. Returns how many emails were written.

    The rows, their emails and the updates' "queued" mark are written together: an update
    has gone home exactly when its deliveries exist, and a delivery exactly when its email
    is in the outbox. Locking the updates makes a second run at the same time wait, then
    find them queued and write nothing.
    """
    updates = WeeklyUpdate.objects.ready_to_send().filter(
        week=week, student__school_id=school_id, queued_at__isnull=True
    )
    with transaction.atomic():
        ready = dict(updates.select_for_update().values_list("pk", "student_id"))
        if not ready:
            return 0
        links = (
            WhanauLink.objects.with_access()
            .filter(receives_weekly_update=True, student_id__in=set(ready.values()))
            .exclude(whanau__email="")
            .values_list("pk", "whanau_id", "student_id")
        )
        update_of = {student_id: update_id for update_id, student_id in ready.items()}
        UpdateDelivery.objects.bulk_create(
            [
                UpdateDelivery(update_id=update_of[student], whanau_id=whanau_id, link_id=link_id)
                for link_id, whanau_id, student in links
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        # With ignore_conflicts not every database returns the new rows' ids: read them back
        # (these updates were not yet queued, so every delivery of theirs is new).
        new = list(
            UpdateDelivery.objects.filter(
                update_id__in=list(ready), status=UpdateDelivery.Status.QUEUED
            ).values_list("pk", flat=True)
        )
        if new:
            outbox.enqueue_many(
                [
                    OutboxEmail(
                        kind=UPDATE_KIND,
                        key=delivery_key(pk),
                        params={"delivery": pk},
                        school_id=school_id,
                    )
                    for pk in new
                ]
            )
        now = timezone.now()
        WeeklyUpdate.objects.filter(pk__in=list(ready)).update(queued_at=now)
        # For the teacher's week: when it went home.
        WeekSend.objects.update_or_create(
            school_id=school_id, week=week, defaults={"finished_at": now}
        )
    return len(new)


def week_send(*, school_id: int, week: datetime.date) -> int:
    """Put a school's ready updates for the week in the outbox, which sends them. Safe to
    run again at any point: it writes only updates not yet gone, so nobody gets one twice."""
    return deliveries_create(school_id=school_id, week=week)


# The update email, as the outbox builds it ---------------------------------------------


def _deliveries_sent(sent: list[tuple[dict, datetime.datetime]]) -> None:
    """A batch's deliveries marked sent in one statement: a week is thousands of emails, and
    a batch's emails go within seconds of each other, so they share its last one's time."""
    UpdateDelivery.objects.filter(pk__in=[params["delivery"] for params, _at in sent]).update(
        status=UpdateDelivery.Status.SENT, sent_at=max(at for _params, at in sent), reason=""
    )


def _delivery_failed(params: dict, reason: str) -> None:
    # ``reason`` is one of the outbox's or this module's plain sentences, never error text.
    UpdateDelivery.objects.filter(pk=params["delivery"]).update(
        status=UpdateDelivery.Status.FAILED, reason=reason
    )


@dataclass
class _Batch:
    """A batch's deliveries, and the one composer its emails share (see ``update_message``)."""

    deliveries: dict[int, UpdateDelivery]
    emails: mail.Composer


def _load_deliveries(params_list: list[dict]) -> _Batch:
    """A batch's deliveries with everything their emails show, in one query for the batch."""
    ids = [params["delivery"] for params in params_list]
    rows = UpdateDelivery.objects.filter(pk__in=ids).select_related(
        "update__student__school", "update__goal", "whanau", "link"
    )
    return _Batch({delivery.pk: delivery for delivery in rows}, mail.Composer(UPDATE_TEMPLATE))


@outbox.KINDS.register(
    UPDATE_KIND, sent_many=_deliveries_sent, failed=_delivery_failed, prefetch=_load_deliveries
)
def build_update(params: dict, loaded: _Batch) -> django_mail.EmailMessage:
    """The delivery's email, unless since it was written they may no longer be told."""
    delivery = loaded.deliveries.get(params["delivery"])
    if delivery is None:
        raise outbox.NotToSendError(GONE)
    if delivery.link is None:
        raise outbox.NotToSendError(UNLINKED)
    if not delivery.link.has_access:  # what ``WhanauLink.objects.with_access`` keeps
        raise outbox.NotToSendError(NO_CONTACT)
    if not delivery.link.receives_weekly_update:
        raise outbox.NotToSendError(STOPPED)
    if not delivery.whanau.email:
        raise outbox.NotToSendError(NO_EMAIL)
    if delivery.update.student.left_on is not None:
        raise outbox.NotToSendError(LEFT)
    return update_message(delivery, emails=loaded.emails)


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


def update_message(
    delivery: UpdateDelivery, *, emails: mail.Composer | None = None
) -> django_mail.EmailMultiAlternatives:
    """The update as one multipart email in the reader's language, with reply and unsubscribe.
    Composed by ``emails``, shared by a batch: what its emails share is rendered once."""
    update = delivery.update
    student: Student = update.student
    unsubscribe_url = mail.absolute_url(
        reverse("weekly_update_unsubscribe", args=[unsubscribe_token(delivery.link_id)])
    )
    read_url = mail.absolute_url(reverse("weekly_update_read", args=[read_token(delivery)]))
    return (emails or mail.Composer(UPDATE_TEMPLATE)).compose(
        to=delivery.whanau.email,
        language=delivery.whanau.preferred_language,
        context={
            # What the templates show of each, and nothing more: see ``mail.Composer``.
            "update": {
                "learned": mail.Varies(update.learned),
                "proud_of": mail.Varies(update.proud_of),
                "working_on": mail.Varies(update.working_on),
                "goal": {"title": mail.Varies(update.goal.title)} if update.goal else None,
                "question_for_home": mail.Varies(update.question_for_home),
                "photo": bool(update.photo),
                "written_with_teacher": update.written_with_teacher,
            },
            "student": {"display_name": mail.Varies(student.display_name)},
            "school": {"name": student.school.name, "pk": student.school_id},
            "whanau": {"name": mail.Varies(delivery.whanau.name)},
            "read_url": mail.Varies(read_url),
            "unsubscribe_url": mail.Varies(unsubscribe_url),
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# Reminders for updates not yet written ---------------------------------------------------


def _written(week: datetime.date) -> Exists:
    """The student (the outer row) has written the week's update: more than a draft."""
    return Exists(
        WeeklyUpdate.objects.filter(week=week, student=OuterRef("pk")).exclude(
            status=WeeklyUpdate.Status.DRAFT
        )
    )


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
    """Remind each teacher whose students haven't written, and those students with an email.

    Once per week: the week is marked reminded in the transaction that writes the
    reminders to the outbox. Returns how many were written.
    """
    with transaction.atomic():
        WeekSend.objects.get_or_create(school_id=school_id, week=week)
        if not WeekSend.objects.filter(
            school_id=school_id, week=week, reminded_at__isnull=True
        ).update(reminded_at=timezone.now()):
            return 0
        waiting = (
            Student.objects.current()
            .filter(school_id=school_id)
            .exclude(_written(week))
            .select_related("user")
            .prefetch_related("classroom__teachers")
            .order_by("last_name", "pk")
        )
        prefix = f"update-reminder:{school_id}:{week.isoformat()}"
        rows, teachers = [], {}
        for student in waiting:
            for teacher in student.classroom.teachers.all() if student.classroom else []:
                teachers[teacher.pk] = teacher
            if student.user and student.user.email:
                rows.append(
                    OutboxEmail(
                        kind=STUDENT_REMINDER_KIND,
                        key=f"{prefix}:student:{student.user_id}",
                        params={"student": student.pk, "week": week.isoformat()},
                        school_id=school_id,
                    )
                )
        rows += [
            OutboxEmail(
                kind=TEACHER_REMINDER_KIND,
                key=f"{prefix}:teacher:{teacher.pk}",
                params={"teacher": teacher.pk, "school": school_id, "week": week.isoformat()},
                school_id=school_id,
            )
            for teacher in teachers.values()
            if teacher.email
        ]
        if rows:
            outbox.enqueue_many(rows)
    return len(rows)


@outbox.KINDS.register(STUDENT_REMINDER_KIND)
def build_student_reminder(params: dict) -> django_mail.EmailMessage:
    """A nudge to the student, unless they have written since (or have no email now)."""
    week = datetime.date.fromisoformat(params["week"])
    student = (
        Student.objects.select_related("user", "school")
        .filter(pk=params["student"])
        .annotate(written=_written(week))
        .first()
    )
    if student is None or student.user is None or not student.user.email:
        raise outbox.NotToSendError(NO_EMAIL)
    if student.written:
        raise outbox.NotToSendError(WRITTEN)
    return mail.compose(
        template="conversations/weekly/email/update_reminder_student",
        to=student.user.email,
        language=student.user.preferred_language,
        context={
            "student": student,
            "school": student.school,
            "url": mail.absolute_url(reverse("weekly_update_write")),
        },
    )


@outbox.KINDS.register(TEACHER_REMINDER_KIND)
def build_teacher_reminder(params: dict) -> django_mail.EmailMessage:
    """Who in the teacher's classes hasn't written yet, as it stands when it is sent."""
    teacher = User.objects.filter(pk=params["teacher"], is_active=True).first()
    if teacher is None or not teacher.email:
        raise outbox.NotToSendError(NO_EMAIL)
    week = datetime.date.fromisoformat(params["week"])
    students = list(
        Student.objects.current()
        .filter(school_id=params["school"], classroom__teachers=teacher)
        .exclude(_written(week))
        .order_by("last_name", "pk")
    )
    if not students:
        raise outbox.NotToSendError(ALL_WRITTEN)
    return mail.compose(
        template="conversations/weekly/email/update_reminder_teacher",
        to=teacher.email,
        language=teacher.preferred_language,
        context={
            "teacher": teacher,
            "students": students,
            "url": mail.absolute_url(reverse("weekly_update_week")),
        },
    )
