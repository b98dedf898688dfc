"""Writing, approving and answering the weekly update. Sending it is ``sending``.

Each write runs in one transaction and is audited: saving an update (by the student, or a
teacher writing with them), approving it, and a reply, which also tells the people it is for
(``notices``): a whānau reply, the student's teachers; a school answer, whoever replied.
Stopping the email from the unsubscribe link changes the whānau link, and is audited as a
staff change to it is. A whānau member opening an update is kept on its delivery, not audited.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conversations.weekly import notices as update_notices
from conversations.weekly.models import UpdateDelivery, UpdateReply, WeeklyUpdate
from partnerships import audit, notices
from partnerships.access import refuse_if_left, teachers_of
from partnerships.models import AuditEvent, Student, User, Voice, WhanauLink


class UpdateGoneHomeError(Exception):
    """The update has been sent: it can no longer change."""


# The student's words and choices in an update (``weekly_update_save``'s ``data``).
WEEKLY_UPDATE_FIELDS = ("learned", "proud_of", "working_on", "goal", "question_for_home")


def weekly_update_save(
    *,
    student: Student,
    week: datetime.date,
    by: User,
    data: dict,
    submit: bool,
    with_teacher: bool,
) -> WeeklyUpdate:
    """Save the week's update as a draft, or as written. Changing it after approval asks again.

    ``data`` holds ``WEEKLY_UPDATE_FIELDS`` and may hold ``photo``: a checked upload
    (``partnerships.files.checked_upload``) to add, ``False`` to remove it, or ``None`` or
    the stored file to keep it.
    """
    audit.refuse_unknown(data, {*WEEKLY_UPDATE_FIELDS, "photo"}, what="a weekly update")
    refuse_if_left(student)
    with transaction.atomic():
        # Made first (empty, so never sent) and then locked: two saves of the week's first
        # update at once (a double click) wait for each other instead of failing on the
        # one-a-week constraint.
        _update, created = WeeklyUpdate.objects.get_or_create(
            student=student, week=week, defaults={"author": by, "learned": ""}
        )
        update = WeeklyUpdate.objects.select_for_update().get(student=student, week=week)
        if update.queued_at is not None:
            raise UpdateGoneHomeError
        changed = audit.apply_changes(
            update, {name: data[name] for name in WEEKLY_UPDATE_FIELDS if name in data}
        )
        photo = data.get("photo")
        if hasattr(photo, "checked_content_type"):
            update.photo, update.photo_type = photo, photo.checked_content_type
            changed.append("photo")
        elif photo is False and update.photo:
            update.photo, update.photo_type = "", ""
            changed.append("photo")
        update.written_with_teacher = update.written_with_teacher or with_teacher
        if submit:
            update.status = WeeklyUpdate.Status.SUBMITTED
            update.submitted_at = timezone.now()
            update.approved_at = None
            update.approved_by = None
        elif update.status != WeeklyUpdate.Status.DRAFT and changed:
            # What the teacher approved is not what would go home now: ask again.
            update.status = WeeklyUpdate.Status.SUBMITTED
            update.approved_at = None
            update.approved_by = None
        update.save()
        if changed or submit:
            if update.status == WeeklyUpdate.Status.DRAFT:
                summary = _("Saved a draft of the weekly update for the week of %(week)s")
            else:
                summary = _("Wrote the weekly update for the week of %(week)s")
            audit.record(
                actor=by,
                action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
                obj=update,
                student=student,
                summary=summary % {"week": date_format(update.week)},
            )
    return update


def weekly_updates_approve(*, updates, by: User) -> int:
    """Approve written updates (drafts stay drafts) that haven't gone home yet; each approval
    audited. Returns how many."""
    with transaction.atomic():
        # Locked, so what is approved is what is audited, however many approve at once.
        approving = list(
            updates.filter(status=WeeklyUpdate.Status.SUBMITTED, queued_at__isnull=True)
            .select_for_update(of=("self",))
            .select_related("student")
        )
        WeeklyUpdate.objects.filter(pk__in=[update.pk for update in approving]).update(
            status=WeeklyUpdate.Status.APPROVED, approved_at=timezone.now(), approved_by=by
        )
        audit.record_many(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            rows=[
                (
                    update,
                    update.student,
                    _("Approved the weekly update for the week of %(week)s")
                    % {"week": date_format(update.week)},
                )
                for update in approving
            ],
        )
    return len(approving)


def update_url(update: WeeklyUpdate, anchor: str = "") -> str:
    url = reverse("weekly_update_detail", args=[update.pk])
    return f"{url}#{anchor}" if anchor else url


def weekly_update_reply(*, update: WeeklyUpdate, by: User, voice: str, body: str) -> UpdateReply:
    """Reply to an update, in ``by``'s voice (the caller's ``relation_to``).

    A whānau reply is for the student's teachers; an answer from school is for the whānau
    who replied to the update (while they may still be told of the student) and for the
    student, if they replied too.
    """
    student = update.student
    refuse_if_left(student)
    with transaction.atomic():
        reply = UpdateReply.objects.create(update=update, author=by, voice=voice, body=body)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=reply,
            student=student,
            summary=_("Replied to the weekly update for the week of %(week)s")
            % {"week": date_format(update.week)},
        )
        common = {
            "key": f"update-reply:{reply.pk}",
            "student": student,
            "actor": by,
            "excerpt": body,
            "url": update_url(update, "replies"),
        }
        if voice == Voice.WHANAU:
            teachers = teachers_of(Student.objects.filter(pk=student.pk)).filter(is_active=True)
            notices.notify(kind=update_notices.UPDATE_REPLY.name, users=teachers, **common)
        elif voice in Voice.school_voices():
            earlier = UpdateReply.objects.filter(update=update).exclude(pk=reply.pk)
            repliers = earlier.values("author_id")
            whanau = notices.family_of(student).filter(user__in=repliers).distinct()
            replied = student.user_id and earlier.filter(author_id=student.user_id).exists()
            users = [student.user] if replied else []
            notices.notify(
                kind=update_notices.UPDATE_ANSWERED.name, whanau=whanau, users=users, **common
            )
    return reply


def weekly_update_mark_read(*, update: WeeklyUpdate, by: User) -> None:
    """The first time a whānau member opens an update it was sent to, it counts as read."""
    UpdateDelivery.objects.filter(update=update, whanau__user=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def weekly_update_unsubscribe(*, link: WhanauLink) -> bool:
    """Stop the weekly update email for this person and student. True if it changed."""
    with transaction.atomic():
        changed = WhanauLink.objects.filter(pk=link.pk, receives_weekly_update=True).update(
            receives_weekly_update=False
        )
        if changed:
            audit.record(
                actor=None,  # the one-click link works without signing in
                action=AuditEvent.Action.CHANGED,
                obj=link,
                student=link.student,
                summary=_("%(name)s stopped the weekly update email") % {"name": link.whanau.name},
            )
    return bool(changed)
