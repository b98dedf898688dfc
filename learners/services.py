"""Writes for ākonga: each runs in one transaction.

Every write to a student's record is audited: goals, next steps, home activities, evidence,
and posting, changing, deleting and hiding a comment (why it was hidden in the row's note for
staff only, as whānau and the student read a goal's history). Not audited: reordering next
steps, and a new school's default learning areas and dispositions (no student's record).

Whoever should hear of a goal to agree or a comment is told in the same transaction
(``learners.notices``).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from learners import notices
from learners.access import evidence_managed_by
from learners.models import (
    DEFAULT_DISPOSITIONS,
    DEFAULT_LEARNING_AREAS,
    Disposition,
    Evidence,
    Goal,
    GoalAgreement,
    GoalComment,
    HomeActivity,
    LearningArea,
    NextStep,
)
from partnerships import audit
from partnerships.access import Relation, refuse_if_left, relation_to
from partnerships.models import AuditEvent, Student, User, Voice

# ---------------------------------------------------------------------------
# Goals: written together, agreed together, with next steps and evidence.
# ---------------------------------------------------------------------------

COMMENT_EDIT_WINDOW = datetime.timedelta(minutes=15)


def school_defaults_create(*, school) -> None:
    """A new school starts with the NZ curriculum learning areas and three dispositions."""
    with transaction.atomic():
        LearningArea.objects.bulk_create(
            [
                LearningArea(school=school, name=name, position=i)
                for i, name in enumerate(DEFAULT_LEARNING_AREAS)
            ],
            ignore_conflicts=True,
        )
        Disposition.objects.bulk_create(
            [
                Disposition(school=school, name=name, position=i)
                for i, name in enumerate(DEFAULT_DISPOSITIONS)
            ],
            ignore_conflicts=True,
        )


def goal_create(
    *,
    student: Student,
    by: User,
    voice: str,
    title: str,
    success_criteria: str,
    learning_area: LearningArea | None = None,
    dispositions: Iterable[Disposition] = (),
    target_date: datetime.date | None = None,
) -> Goal:
    """Propose a goal. The proposer has agreed to it; the student and whānau are asked."""
    refuse_if_left(student)
    with transaction.atomic():
        goal = Goal.objects.create(
            student=student,
            title=title,
            success_criteria=success_criteria,
            learning_area=learning_area,
            target_date=target_date,
            proposed_by=by,
            proposed_by_voice=voice,
        )
        goal.dispositions.set(dispositions)
        GoalAgreement.objects.create(goal=goal, user=by, voice=voice)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=goal,
            student=student,
            summary=_("Proposed “%(title)s”") % {"title": goal.title},
        )
        notices.goal_proposed_notify(goal=goal, by=by, key=f"goal-proposed:{goal.pk}")
    return goal


# Changing these changes what people agreed to, so they are asked again.
AGREED_FIELDS = {"title", "success_criteria"}


def goal_update(
    *,
    goal: Goal,
    by: User,
    voice: str,
    title: str,
    success_criteria: str,
    learning_area: LearningArea | None,
    dispositions: Iterable[Disposition],
    target_date: datetime.date | None,
    status: str | None = None,
) -> Goal:
    """Save a goal. If its wording changed, earlier agreements are cleared and asked again
    (the student and whānau are told, while the goal is active).

    ``status`` is left as it is when ``None`` (only staff set it).
    """
    values = {
        "title": title,
        "success_criteria": success_criteria,
        "learning_area": learning_area,
        "target_date": target_date,
    }
    if status is not None:
        values["status"] = status
    refuse_if_left(goal.student)
    with transaction.atomic():
        # Compared with the row as stored: a bound model form has already changed ``goal``.
        goal = Goal.objects.select_for_update().select_related("student").get(pk=goal.pk)
        changed = audit.apply_changes(goal, values)
        if changed:
            goal.save(update_fields=[*changed, "updated_at"])
        changed += audit.apply_links(goal, {"dispositions": dispositions})
        summary = audit.fields_summary(Goal, changed)
        asked_again = bool(AGREED_FIELDS & set(changed))
        if asked_again:
            goal.agreements.exclude(user=by).delete()
            GoalAgreement.objects.get_or_create(goal=goal, user=by, defaults={"voice": voice})
            summary += " " + _("(agreement asked for again)")
        if changed:
            event = audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=goal,
                student=goal.student,
                summary=summary,
            )
            # An achieved or set-aside goal reworded is not a goal to agree to now.
            if asked_again and goal.status == Goal.Status.ACTIVE:
                key = f"goal-proposed:{goal.pk}:{event.pk}"
                notices.goal_proposed_notify(goal=goal, by=by, key=key)
    return goal


def goal_agree(*, goal: Goal, by: User, voice: str) -> GoalAgreement:
    """Agree to a goal as it stands. Agreeing twice changes nothing."""
    refuse_if_left(goal.student)
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


def next_step_create(*, goal: Goal, by: User, text: str, where: str, taken_by: str) -> NextStep:
    """Add a next step at the end of the goal's list."""
    refuse_if_left(goal.student)
    with transaction.atomic():
        last = goal.next_steps.aggregate(last=Max("position"))["last"]
        step = NextStep.objects.create(
            goal=goal,
            text=text,
            where=where,
            taken_by=taken_by,
            position=0 if last is None else last + 1,
        )
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=goal,
            student=goal.student,
            summary=_("Next step added: %(text)s") % {"text": step.text},
        )
    return step


def next_step_update(*, step: NextStep, by: User, text: str, where: str, taken_by: str) -> NextStep:
    refuse_if_left(step.goal.student)
    with transaction.atomic():
        step = NextStep.objects.select_for_update().select_related("goal__student").get(pk=step.pk)
        changed = audit.apply_changes(step, {"text": text, "where": where, "taken_by": taken_by})
        if changed:
            step.save(update_fields=changed)
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=step.goal,
                student=step.goal.student,
                summary=_("Next step “%(text)s”: %(fields)s")
                % {"text": step.text, "fields": audit.fields_summary(NextStep, changed)},
            )
    return step


class NextStepNotYoursError(Exception):
    """The step is not this person's to tick done: whānau tick the steps taken at home."""


def next_step_can_tick(*, step: NextStep, relation: Relation) -> bool:
    """Staff tick any step and the student any of their own; whānau tick the steps taken at
    home (or at home and at school), never one the school takes."""
    if relation.can_manage or relation.voice == Voice.STUDENT:
        return True
    return relation.voice == Voice.WHANAU and step.where != NextStep.Where.SCHOOL


def next_step_set_done(
    *, step: NextStep, done: bool, by: User, relation: Relation | None = None
) -> NextStep:
    """Tick a next step done, or not done again; ``NextStepNotYoursError`` if it is not theirs
    to tick. ``relation``: how ``by`` stands to the student, when the caller knows already."""
    refuse_if_left(step.goal.student)
    relation = relation or relation_to(by, step.goal.student)
    if not next_step_can_tick(step=step, relation=relation):
        raise NextStepNotYoursError(
            _(
                "This step happens at school, so the school marks it done. "
                "You can mark the steps that happen at home."
            )
        )
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


def home_activity_create(
    *, step: NextStep, by: User, title: str, instructions: str
) -> HomeActivity:
    refuse_if_left(step.goal.student)
    with transaction.atomic():
        activity = HomeActivity.objects.create(
            next_step=step, title=title, instructions=instructions, created_by=by
        )
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=step.goal,
            student=step.goal.student,
            summary=_("Home-learning activity added: %(title)s") % {"title": activity.title},
        )
    return activity


def evidence_add(
    *, goal: Goal, by: User, voice: str, note: str, upload=None, shows_others: bool = False
) -> Evidence:
    """Add a note, photo or PDF as evidence of learning. The form has checked the file.

    A photo or PDF that ``shows_others`` (other children) is held: whānau and the student do
    not see it, nor that it was added (its audit row is on the evidence, not in the goal's
    history), until one of the student's teachers confirms it may be shared
    (``evidence_confirm``)."""
    refuse_if_left(goal.student)
    with transaction.atomic():
        evidence = Evidence(goal=goal, added_by=by, voice=voice, note=note, kind=Evidence.Kind.NOTE)
        if upload is not None:
            evidence.kind = upload.file_kind
            evidence.content_type = upload.checked_content_type
            evidence.original_name = upload.name[:200]
            evidence.file = upload
            evidence.shows_others = shows_others
        evidence.save()
        kind = evidence.get_kind_display()
        if evidence.shows_others:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CREATED,
                obj=evidence,
                student=goal.student,
                summary=_(
                    "Evidence added (%(kind)s), held until a kaiako confirms it may be shared"
                )
                % {"kind": kind},
            )
        else:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CREATED,
                obj=goal,
                student=goal.student,
                summary=_("Evidence added (%(kind)s)") % {"kind": kind},
            )
    return evidence


def evidence_confirm(*, actor: User, evidence_id: int) -> bool:
    """A teacher or leader of the student has checked held evidence (no child whose whānau
    keep their photos to themselves is shown) and releases it to whānau and the student.
    Anyone else is refused (``PermissionDenied``). True if it was held; confirming again, or
    evidence never held, changes nothing."""
    with transaction.atomic():
        evidence = (
            evidence_managed_by(actor)
            .select_for_update(of=("self",))
            .select_related("goal__student")
            .filter(pk=evidence_id)
            .first()
        )
        if evidence is None:
            raise PermissionDenied
        if not evidence.shows_others or evidence.confirmed_at is not None:
            return False
        evidence.confirmed_at, evidence.confirmed_by = timezone.now(), actor
        evidence.save(update_fields=["confirmed_at", "confirmed_by"])
        # On the goal now: its history tells whānau it arrived, as it does other evidence.
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CHANGED,
            obj=evidence.goal,
            student=evidence.goal.student,
            summary=_("Evidence shared (%(kind)s), checked for other children")
            % {"kind": evidence.get_kind_display()},
        )
    return True


def comment_post(*, goal: Goal, by: User, voice: str, body: str) -> GoalComment:
    """Post a comment. The whānau and the student who wrote on the goal before hear of it;
    the student's teachers hear of a whānau comment, in their daily digest by default."""
    refuse_if_left(goal.student)
    with transaction.atomic():
        comment = GoalComment.objects.create(goal=goal, author=by, voice=voice, body=body)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=goal,
            student=goal.student,
            summary=_("Commented"),
        )
        notices.comment_notify(comment=comment, goal=goal, by=by)
    return comment


class CommentLockedError(Exception):
    """The comment can no longer be changed by its author."""


def comment_edit(*, comment: GoalComment, by: User, body: str) -> GoalComment:
    if comment.author_id != by.pk:
        raise CommentLockedError(_("Only the person who wrote a comment can change it."))
    if timezone.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        raise CommentLockedError(_("A comment can be changed only in its first 15 minutes."))
    refuse_if_left(comment.goal.student)
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=comment.goal,
            student=comment.goal.student,
            summary=_("Changed their comment"),
        )
        notices.comment_notices_reword(comment=comment)
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
        notices.comment_notices_withdraw(comment=comment)
        comment.delete()


def comment_hide(*, comment: GoalComment, by: User, reason: str) -> GoalComment:
    """A teacher hides a comment from whānau and the student. The reason goes in the audit
    row's note for staff: whānau and the student read only that the school hid a comment."""
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
            summary=_("Hid a comment"),
            staff_note=reason,
        )
        notices.comment_notices_withdraw(comment=comment)
    return comment
