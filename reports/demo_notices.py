"""The demo's notices: what whānau and teachers were told as the term went, most of it opened,
and one comment from the demo whānau left for a visiting teacher to answer.

The other steps write their rows in bulk, dated through the term, without telling anyone;
this step, the last, writes the notices those rows would have caused (a teacher's reply to
a whānau comment, a whānau comment for the class teacher), each emailed a few minutes after
its cause, and marks whatever the services wrote while seeding (reports going home) as sent
when it happened: nothing old waits in the outbox to go when ``make run`` starts.
"""

import datetime
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from learners.models import Goal, GoalComment, goal_url
from partnerships.demo import STEPS, WHANAU_EMAIL
from partnerships.models import (
    Notice,
    OutboxEmail,
    School,
    Voice,
    WhanauLink,
)

EMAILED_AFTER = datetime.timedelta(minutes=3)
READ_SHARE = 0.7  # of whānau notices, opened within a day
WAITING_COMMENT = (
    "{name} counted the kererū at Nan’s place at the weekend: 14! "
    "How can we keep this going at home?"
)


@STEPS.register("notices", order=95, description="notices sent to whānau and teachers")
def seed_notices(*, school: School, keep_free: frozenset[int] = frozenset()) -> int:
    """Notices for the term's comments and replies, once; then nothing left waiting to go."""
    if Notice.objects.filter(school=school, kind__in=["comment_reply", "whanau_comment"]).exists():
        return 0
    rng = random.Random(school.pk)  # noqa: S311  made-up data, not security
    now = timezone.now()
    _one_exchange(school, now)
    made = _replies_told(school, rng, now) + _comments_told(school, now)
    _settle(school, now)
    _leave_one_to_answer(school, now)
    return made


def _reader_of(school: School) -> dict[tuple[int, int], int]:
    """(user, student) → their whānau member row, for links with access."""
    return {
        (user_id, student_id): whanau_id
        for user_id, student_id, whanau_id in WhanauLink.objects.with_access()
        .filter(student__school=school, whanau__user__isnull=False)
        .values_list("whanau__user_id", "student_id", "whanau_id")
    }


def _replies_told(school: School, rng: random.Random, now) -> int:
    """Each school reply after a whānau comment, told to the whānau member who commented."""
    readers = _reader_of(school)
    # The demo whānau opened theirs: a visitor sees what opened looks like to the teacher.
    visitors = set(
        WhanauLink.objects.filter(student__school=school, whanau__email=WHANAU_EMAIL).values_list(
            "whanau_id", flat=True
        )
    )
    comments = list(
        GoalComment.objects.filter(goal__student__school=school, hidden_at__isnull=True)
        .select_related("goal__student", "author")
        .order_by("goal_id", "created_at")
    )
    notices, last_whanau = [], {}
    for comment in comments:
        if comment.voice == Voice.WHANAU:
            last_whanau[comment.goal_id] = comment
            continue
        if comment.voice not in Voice.school_voices():
            continue
        asked = last_whanau.pop(comment.goal_id, None)
        whanau_id = asked and readers.get((asked.author_id, comment.goal.student_id))
        if not whanau_id:
            continue
        notices.append(
            _notice(
                school,
                comment,
                kind="comment_reply",
                key=f"comment:{comment.pk}",
                whanau_id=whanau_id,
                read=whanau_id in visitors or rng.random() < READ_SHARE,
                now=now,
            )
        )
    return _write(notices)


def _comments_told(school: School, now) -> int:
    """Each whānau comment, told to the class teachers of its student."""
    comments = GoalComment.objects.filter(
        goal__student__school=school, voice=Voice.WHANAU, hidden_at__isnull=True
    ).select_related("goal__student__classroom", "author")
    teachers = {}
    notices = []
    for comment in comments:
        classroom = comment.goal.student.classroom
        if classroom is None:
            continue
        if classroom.pk not in teachers:
            teachers[classroom.pk] = list(classroom.teachers.values_list("pk", flat=True))
        for teacher_id in teachers[classroom.pk]:
            notices.append(
                _notice(
                    school,
                    comment,
                    kind="whanau_comment",
                    key=f"comment:{comment.pk}",
                    user_id=teacher_id,
                    read=True,
                    now=now,
                )
            )
    return _write(notices)


def _notice(school, comment, *, kind, key, read, now, whanau_id=None, user_id=None) -> Notice:
    at = comment.created_at
    return Notice(
        kind=kind,
        key=key,
        school=school,
        student=comment.goal.student,
        whanau_id=whanau_id,
        user_id=user_id,
        actor=comment.author,
        actor_name=comment.author.get_full_name() if comment.author else "",
        title=comment.goal.title,
        excerpt=comment.body[:280],
        url=goal_url(comment.goal_id, "comments"),
        created_at=at,
        due_at=at,
        emailed_at=at + EMAILED_AFTER,
        read_at=min(at + datetime.timedelta(hours=5), now) if read else None,
    )


def _write(notices: list[Notice]) -> int:
    Notice.objects.bulk_create(notices, batch_size=500, ignore_conflicts=True)
    return len(notices)


def _settle(school: School, now) -> None:
    """What the services wrote while seeding is marked sent when it was due: the demo's past
    has gone, and only what a visitor does from now on is sent."""
    waiting = Notice.objects.filter(school=school, emailed_at__isnull=True).exclude(email_key="")
    keys = set(waiting.values_list("email_key", flat=True))
    for notice in waiting:
        notice.emailed_at = min(notice.due_at or now, now)
    Notice.objects.bulk_update(list(waiting), ["emailed_at"], batch_size=500)
    OutboxEmail.objects.filter(key__in=keys, status=OutboxEmail.Status.QUEUED).update(
        status=OutboxEmail.Status.SENT, sent_at=now, send_after=now, recorded=True
    )


EXCHANGE = (
    "We practised his 7 times table in the car on the way to training.",
    "Ka pai! He got all of them right in class today. Try the 8s next.",
)


def _one_exchange(school: School, now) -> None:
    """The demo whānau's eldest had a word answered by his teacher a few days ago, so their
    record shows a reply they were told of (random comments may leave them none)."""
    goal = (
        Goal.objects.filter(
            student__school=school,
            student__whanau_links__whanau__email=WHANAU_EMAIL,
            status=Goal.Status.ACTIVE,
        )
        .select_related("student__classroom")
        .order_by("-student__year_level", "pk")
        .first()
    )
    link = WhanauLink.objects.filter(whanau__email=WHANAU_EMAIL, whanau__school=school).first()
    classroom = goal and goal.student.classroom
    teacher = classroom and classroom.teachers.order_by("pk").first()
    if teacher is None or link is None or link.whanau.user is None:
        return
    asked = max(_local(school, now, days_ago=3, at=datetime.time(19, 30)), goal.created_at)
    GoalComment.objects.bulk_create(
        [
            GoalComment(
                goal=goal,
                author=link.whanau.user,
                voice=Voice.WHANAU,
                body=EXCHANGE[0],
                created_at=asked,
            ),
            GoalComment(
                goal=goal,
                author=teacher,
                voice=Voice.TEACHER,
                body=EXCHANGE[1],
                created_at=max(_local(school, now, days_ago=2, at=datetime.time(8, 15)), asked),
            ),
        ]
    )


def _local(school: School, now, *, days_ago: int, at: datetime.time) -> datetime.datetime:
    """A time of day families and teachers keep, at the school, ``days_ago`` days back."""
    day = now.astimezone(school.zone).date() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, at, tzinfo=school.zone)


def _leave_one_to_answer(school: School, now) -> None:
    """The demo whānau's newest word on their youngest's goal waits in the teacher's inbox."""
    answered = GoalComment.objects.filter(
        goal=OuterRef("pk"),
        voice__in=Voice.school_voices(),
        created_at__gt=now - datetime.timedelta(days=2),
    )
    goal = (
        Goal.objects.filter(
            student__school=school,
            student__whanau_links__whanau__email=WHANAU_EMAIL,
            status=Goal.Status.ACTIVE,
        )
        .exclude(Exists(answered))
        .select_related("student")
        .order_by("student__year_level", "pk")
        .first()
    )
    link = WhanauLink.objects.filter(whanau__email=WHANAU_EMAIL, whanau__school=school).first()
    if goal is None or link is None or link.whanau.user is None:
        return
    GoalComment.objects.create(
        goal=goal,
        author=link.whanau.user,
        voice=Voice.WHANAU,
        body=WAITING_COMMENT.format(name=goal.student.display_name),
        created_at=max(_local(school, now, days_ago=1, at=datetime.time(19, 45)), goal.created_at),
    )
