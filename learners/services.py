"""Writes for ākonga: each one validates, runs in one transaction and is audited."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learners.models import (
    DEFAULT_DISPOSITIONS,
    DEFAULT_LEARNING_AREAS,
    CommentNotice,
    Disposition,
    Evidence,
    Goal,
    GoalAgreement,
    GoalComment,
    HomeActivity,
    LearningArea,
    NextStep,
    SignInCard,
    Student,
    Voice,
)
from partnerships import audit
from partnerships.access import teachers_of
from partnerships.models import AuditEvent, User


def student_update(*, form, by: User) -> Student:
    """Save a student's details and learner profile, recording what changed."""
    summary = audit.changes_summary(form)
    with transaction.atomic():
        student = form.save()
        if summary:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=student,
                student=student,
                summary=summary,
            )
    return student


def sign_in_card_issue(*, student: Student, by: User) -> SignInCard:
    """Issue a new sign-in card; any card the student had stops working."""
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        SignInCard.objects.active().filter(student=student).update(revoked_at=timezone.now())
        if student.user_id is None:
            student.user = User.objects.create_user(name=student.full_name)
            student.save(update_fields=["user"])
        card = SignInCard.objects.create(student=student, issued_by=by)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=card,
            student=student,
            summary=_("New sign-in card issued"),
        )
    return card


def sign_in_card_revoke(*, student: Student, by: User) -> int:
    """Stop the student's card working, e.g. when it is lost."""
    with transaction.atomic():
        revoked = (
            SignInCard.objects.active().filter(student=student).update(revoked_at=timezone.now())
        )
        if revoked:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=student,
                student=student,
                summary=_("Sign-in card revoked"),
            )
    return revoked


def student_for_card_code(code: str) -> Student | None:
    """The student an active card code belongs to, if any."""
    card = (
        SignInCard.objects.active()
        .select_related("student__user")
        .filter(code=code, student__user__is_active=True)
        .first()
    )
    return card.student if card else None


# ---------------------------------------------------------------------------
# Goals: written together, agreed together, with next steps and evidence.
# ---------------------------------------------------------------------------

COMMENT_EDIT_WINDOW = datetime.timedelta(minutes=15)


def school_defaults_create(*, school) -> None:
    """A new school starts with the NZ curriculum learning areas and three dispositions."""
    with translation.override("en"):
        LearningArea.objects.bulk_create(
            [
                LearningArea(school=school, name=str(name), position=i)
                for i, name in enumerate(DEFAULT_LEARNING_AREAS)
            ],
            ignore_conflicts=True,
        )
        Disposition.objects.bulk_create(
            [
                Disposition(school=school, name=str(name), position=i)
                for i, name in enumerate(DEFAULT_DISPOSITIONS)
            ],
            ignore_conflicts=True,
        )


def goal_create(*, form, student: Student, by: User, voice: str, conversation=None) -> Goal:
    """Propose a goal. The proposer has agreed to it; the others are asked.

    A goal set in a learning conversation stays linked to it.
    """
    with transaction.atomic():
        goal = form.save(commit=False)
        goal.student = student
        goal.proposed_by = by
        goal.proposed_by_voice = voice
        goal.save()
        form.save_m2m()
        GoalAgreement.objects.create(goal=goal, user=by, voice=voice)
        if conversation is not None:
            conversation.goals.add(goal)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=goal,
            student=student,
            summary=_("Proposed “%(title)s”") % {"title": goal.title},
        )
    return goal


# Changing these changes what people agreed to, so they are asked again.
AGREED_FIELDS = {"title", "success_criteria"}


def goal_update(*, form, by: User, voice: str) -> Goal:
    """Save a goal. If its wording changed, earlier agreements are cleared and asked again."""
    summary = audit.changes_summary(form)
    with transaction.atomic():
        goal = form.save()
        if AGREED_FIELDS & set(form.changed_data):
            goal.agreements.exclude(user=by).delete()
            GoalAgreement.objects.get_or_create(goal=goal, user=by, defaults={"voice": voice})
            summary += " " + _("(agreement asked for again)")
        if form.changed_data:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=goal,
                student=goal.student,
                summary=summary,
            )
    return goal


def goal_agree(*, goal: Goal, by: User, voice: str) -> GoalAgreement:
    """Agree to a goal as it stands. Agreeing twice changes nothing."""
    with transaction.atomic():
        agreement, created = GoalAgreement.objects.get_or_create(
            goal=goal, user=by, defaults={"voice": voice}
        )
        if created:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=goal,
                student=goal.student,
                summary=_("Agreed to the goal"),
            )
    return agreement


def next_step_create(*, form, goal: Goal, by: User, conversation=None) -> NextStep:
    """Add a next step; one agreed in a learning conversation stays linked to it (and the goal)."""
    with transaction.atomic():
        step = form.save(commit=False)
        step.goal = goal
        step.conversation = conversation
        if conversation is not None:
            conversation.goals.add(goal)
        last = goal.next_steps.aggregate(last=Max("position"))["last"]
        step.position = 0 if last is None else last + 1
        step.save()
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=goal,
            student=goal.student,
            summary=_("Next step added: %(text)s") % {"text": step.text},
        )
    return step


def next_step_update(*, form, by: User) -> NextStep:
    summary = audit.changes_summary(form)
    with transaction.atomic():
        step = form.save()
        if summary:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=step.goal,
                student=step.goal.student,
                summary=_("Next step “%(text)s”: %(fields)s")
                % {"text": step.text, "fields": summary},
            )
    return step


def next_step_set_done(*, step: NextStep, done: bool, by: User) -> NextStep:
    """Tick a next step done, or not done again."""
    with transaction.atomic():
        step.done_at = timezone.now() if done else None
        step.save(update_fields=["done_at"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=step.goal,
            student=step.goal.student,
            summary=(
                _("Next step done: %(text)s") if done else _("Next step not done yet: %(text)s")
            )
            % {"text": step.text},
        )
    return step


def next_step_move(*, step: NextStep, up: bool) -> None:
    """Swap a next step with its neighbour, keeping the order whole."""
    with transaction.atomic():
        steps = list(step.goal.next_steps.select_for_update().order_by("position", "pk"))
        index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(steps):
            steps[index], steps[other] = steps[other], steps[index]
            for position, each in enumerate(steps):
                each.position = position
            NextStep.objects.bulk_update(steps, ["position"])


def home_activity_create(*, form, step: NextStep, by: User) -> HomeActivity:
    with transaction.atomic():
        activity = form.save(commit=False)
        activity.next_step = step
        activity.created_by = by
        activity.save()
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=step.goal,
            student=step.goal.student,
            summary=_("Home-learning activity added: %(title)s") % {"title": activity.title},
        )
    return activity


def evidence_add(*, goal: Goal, by: User, voice: str, note: str, upload=None) -> Evidence:
    """Add a note, photo or PDF as evidence of learning. The form has checked the file."""
    with transaction.atomic():
        evidence = Evidence(goal=goal, added_by=by, voice=voice, note=note, kind=Evidence.Kind.NOTE)
        if upload is not None:
            evidence.kind = upload.evidence_kind
            evidence.content_type = upload.checked_content_type
            evidence.original_name = upload.name[:200]
            evidence.file = upload
        evidence.save()
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=goal,
            student=goal.student,
            summary=_("Evidence added (%(kind)s)") % {"kind": evidence.get_kind_display()},
        )
    return evidence


def comment_post(*, goal: Goal, by: User, voice: str, body: str) -> GoalComment:
    """Post a comment. A whānau comment is queued for the teachers' next digest."""
    with transaction.atomic():
        comment = GoalComment.objects.create(goal=goal, author=by, voice=voice, body=body)
        if voice == Voice.WHANAU:
            CommentNotice.objects.bulk_create(
                [
                    CommentNotice(comment=comment, recipient_id=teacher_id)
                    for teacher_id in teachers_of(Student.objects.filter(pk=goal.student_id))
                    .filter(is_active=True)
                    .exclude(pk=by.pk)
                    .values_list("pk", flat=True)
                ],
                ignore_conflicts=True,
            )
    return comment


class CommentLockedError(Exception):
    """The comment can no longer be changed by its author."""


def comment_edit(*, comment: GoalComment, by: User, body: str) -> GoalComment:
    if comment.author_id != by.pk:
        raise CommentLockedError(_("Only the person who wrote a comment can change it."))
    if timezone.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        raise CommentLockedError(_("A comment can be changed only in its first 15 minutes."))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, comment: GoalComment, by: User) -> None:
    if comment.author_id != by.pk:
        raise CommentLockedError(_("Only the person who wrote a comment can delete it."))
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditEvent.Action.DELETED,
            obj=comment.goal,
            student=comment.goal.student,
            summary=_("Deleted their own comment"),
        )
        comment.delete()


def comment_hide(*, comment: GoalComment, by: User, reason: str) -> GoalComment:
    """A teacher hides a comment from whānau and the student; the reason goes in the audit."""
    with transaction.atomic():
        comment.hidden_at = timezone.now()
        comment.hidden_by = by
        comment.hidden_reason = reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=comment.goal,
            student=comment.goal.student,
            summary=_("Hid a comment: %(reason)s") % {"reason": reason},
        )
    return comment
