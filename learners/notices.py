"""What learners tells people (``partnerships.notices``), and whom.

- ``comment_reply``: someone wrote on a goal after your comment on it. For whānau and the
  student: the people talking about a goal hear when the talk goes on.
- ``goal_proposed``: a goal was proposed, or its wording changed, and your agreement is asked.
- ``whanau_comment``: whānau wrote on a goal of a student you teach. Teachers read these in a
  daily digest unless they choose otherwise: one email a day, not one per comment.

Each is written in the transaction of the change it tells of (``learners.services``). A
comment hidden or deleted before its notices went takes them back.
"""

from django.db.models import Q
from django.utils.translation import gettext_noop

from learners.models import Goal, GoalComment, goal_url
from partnerships.access import teachers_of
from partnerships.models import Notice, Rhythm, Student, User, Voice
from partnerships.notices import (
    FAMILY,
    STAFF,
    excerpt_of,
    family_of,
    kind,
    notify,
)

COMMENT_REPLY = kind(
    "comment_reply",
    audience=FAMILY,
    label=gettext_noop("Replies after my comments on goals"),
    sentence=gettext_noop("%(who)s replied to your comment on %(student)s’s goal “%(what)s”"),
    own_sentence=gettext_noop("%(who)s replied to your comment on your goal “%(what)s”"),
    order=20,
).name
GOAL_PROPOSED = kind(
    "goal_proposed",
    audience=FAMILY,
    label=gettext_noop("Goals to agree to"),
    sentence=gettext_noop("%(who)s proposed a goal for %(student)s: “%(what)s”. Do you agree?"),
    own_sentence=gettext_noop("%(who)s proposed a goal for you: “%(what)s”. Do you agree?"),
    order=10,
).name
WHANAU_COMMENT = kind(
    "whanau_comment",
    audience=STAFF,
    label=gettext_noop("Whānau comments on goals"),
    sentence=gettext_noop("%(who)s commented on %(student)s’s goal “%(what)s”"),
    default=Rhythm.DAILY,
    order=10,
).name


def comment_key(comment_id: int) -> str:
    """The notices of one comment, whichever kind: one per reader."""
    return f"goal-comment:{comment_id}"


def comment_notify(*, comment: GoalComment, goal: Goal, by: User) -> None:
    """Tell the whānau and the student who wrote on the goal before; for a whānau comment,
    the student's teachers too. Never the author."""
    student = goal.student
    earlier = GoalComment.objects.shown().filter(goal=goal).exclude(pk=comment.pk)
    whanau = list(family_of(student).filter(user__in=earlier.values("author_id")).exclude(user=by))
    users = []
    if (
        student.user_id
        and student.user_id != by.pk
        and earlier.filter(author_id=student.user_id).exists()
    ):
        users = [student.user]
    common = {
        "key": comment_key(comment.pk),
        "student": student,
        "actor": by,
        "title": goal.title,
        "excerpt": comment.body,
        "url": goal_url(goal.pk, "comments"),
    }
    if whanau or users:
        notify(kind=COMMENT_REPLY, whanau=whanau, users=users, **common)
    if comment.voice == Voice.WHANAU:
        # A teacher who is also the child's whānau has just been told as whānau.
        told = {member.user_id for member in whanau}
        teachers = list(
            teachers_of(Student.objects.filter(pk=student.pk))
            .filter(is_active=True)
            .exclude(Q(pk=by.pk) | Q(pk__in=told))
        )
        if teachers:
            notify(kind=WHANAU_COMMENT, users=teachers, **common)


def _told_of(comment: GoalComment):
    return Notice.objects.filter(student_id=comment.goal.student_id, key=comment_key(comment.pk))


def comment_notices_reword(*, comment: GoalComment) -> None:
    """A comment edited before its notices went: they quote its new words."""
    _told_of(comment).filter(emailed_at__isnull=True).update(excerpt=excerpt_of(comment.body))


def comment_notices_withdraw(*, comment: GoalComment) -> None:
    """A comment hidden or deleted: its notices not yet emailed go; those that went keep the
    record that they did, without the words."""
    told = _told_of(comment)
    told.filter(emailed_at__isnull=True).delete()
    told.update(excerpt="")


def goal_proposed_notify(*, goal: Goal, by: User, key: str) -> None:
    """Ask the student's whānau, and the student, to agree to the goal as it now stands."""
    student = goal.student
    users = [student.user] if student.user_id else []
    notify(
        kind=GOAL_PROPOSED,
        key=key,
        student=student,
        actor=by,
        title=goal.title,
        url=goal_url(goal.pk),
        whanau=family_of(student),
        users=users,
    )
