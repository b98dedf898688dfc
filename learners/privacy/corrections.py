"""Goals and comments a person may ask to have corrected: a goal's title and success
criteria, a comment's body. Found only among the records of the person themself (a student)
or of their children while linked with access."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learners.access import comments_visible_to, goals_visible_to
from learners.models import COMMENT_MAX_LENGTH, Goal, GoalComment
from partnerships import audit
from partnerships.access import own_whanau_links, students_visible_to
from partnerships.models import AuditEvent
from partnerships.privacy.hooks import CORRECTABLE, Correctable, Field
from partnerships.privacy.statements import statement_attach

# No personal content: the goal's history is read by whānau and the student.
CORRECTED = _("Corrected at a request for correction")
ATTACHED = _("A statement of correction was attached")


def _family_students(user) -> QuerySet:
    """The students whose records this person may ask about: themself, and their tamariki
    while linked with access. Not the students they teach or lead."""
    return students_visible_to(user).filter(
        Q(user=user) | Q(pk__in=own_whanau_links(user).values("student_id"))
    )


def _goal_text(goal: Goal) -> dict[str, str]:
    return {"title": goal.title, "success_criteria": goal.success_criteria}


def _write(record, *, actor, student, values: dict, summary) -> None:
    changed = audit.apply_changes(record, values)
    if not changed:
        return
    record.save(update_fields=changed + (["updated_at"] if hasattr(record, "updated_at") else []))
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CHANGED,
        obj=record,
        student=student,
        summary=str(summary),
    )


def _goal_correct(goal: Goal, *, actor, values: dict) -> None:
    _write(goal, actor=actor, student=goal.student, values=values, summary=CORRECTED)


def _goal_attach(goal: Goal, *, actor, voice: str, text: str, on) -> None:
    values = {"correction_statements": statement_attach(goal, voice=voice, text=text, on=on)}
    _write(goal, actor=actor, student=goal.student, values=values, summary=ATTACHED)


@CORRECTABLE.register("learners.goal")
def goal_correctable() -> Correctable:
    fields = (
        Field("title", _("Goal"), Goal._meta.get_field("title").max_length),
        Field(
            "success_criteria",
            _("What success looks like"),
            Goal._meta.get_field("success_criteria").max_length,
            long=True,
        ),
    )
    return Correctable(
        label=_("A goal"),
        fields=fields,
        find=lambda user, pk: (
            goals_visible_to(user)
            .filter(student__in=_family_students(user), pk=pk)
            .select_related("student")
            .first()
        ),
        find_for_officer=lambda user, school, pk: (
            goals_visible_to(user)
            .filter(student__school=school, pk=pk)
            .select_related("student")
            .first()
        ),
        text=_goal_text,
        student=lambda goal: goal.student,
        correct=_goal_correct,
        attach=_goal_attach,
    )


def _comment_correct(comment: GoalComment, *, actor, values: dict) -> None:
    values = {**values, "edited_at": timezone.now()} if values["body"] != comment.body else values
    _write(comment, actor=actor, student=comment.goal.student, values=values, summary=CORRECTED)


def _comment_attach(comment: GoalComment, *, actor, voice: str, text: str, on) -> None:
    statements = statement_attach(comment, voice=voice, text=text, on=on)
    values = {"correction_statements": statements}
    _write(comment, actor=actor, student=comment.goal.student, values=values, summary=ATTACHED)


@CORRECTABLE.register("learners.goalcomment")
def comment_correctable() -> Correctable:
    return Correctable(
        label=_("A comment on a goal"),
        fields=(Field("body", _("Comment"), COMMENT_MAX_LENGTH, long=True),),
        find=lambda user, pk: (
            comments_visible_to(user)
            .filter(goal__student__in=_family_students(user), pk=pk)
            .select_related("goal__student")
            .first()
        ),
        find_for_officer=lambda user, school, pk: (
            comments_visible_to(user)
            .filter(goal__student__school=school, pk=pk)
            .select_related("goal__student")
            .first()
        ),
        text=lambda comment: {"body": comment.body},
        student=lambda comment: comment.goal.student,
        correct=_comment_correct,
        attach=_comment_attach,
    )
