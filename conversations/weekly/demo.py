"""Demo weekly updates for the demo school: last week's sent home with replies, this week's begun.

Made once per school: a school that already has updates is left as it is. Registered as a
step of ``manage.py seed_demo`` when the app loads (``ConversationsConfig.ready``).
"""

import datetime
import random

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from conversations.weekly.models import UpdateDelivery, UpdateReply, WeeklyUpdate, WeekSend
from partnerships.demo import STEPS, hard_to_reach
from partnerships.models import School, Student, Voice, WhanauLink

LEARNED = [
    "How volcanoes made the islands of Tāmaki Makaurau.",
    "Adding fractions with the same denominator, using pizza pieces.",
    "Three new words in te reo for the weather.",
    "How to write a hook at the start of a story.",
]


@STEPS.register("weekly_updates", order=30, description="weekly updates (last week's sent)")
def seed_updates(*, school: School, keep_free: frozenset[int] = frozenset(), seed: int = 13) -> int:
    """Last week's updates (sent, with replies) and this week's (some written, some drafts), once.

    Students in ``keep_free`` get no update this week, so the demo student can write theirs.
    Every row has the times its status promises, as the app's own actions set them: an
    approved update was submitted and approved, a written one submitted, a sent delivery sent.
    """
    if WeeklyUpdate.objects.filter(student__school=school).exists():
        return 0
    rng = random.Random(seed)
    quiet = hard_to_reach(school)
    now = timezone.now()
    this_week = school.week_of(now)
    last_week = this_week - datetime.timedelta(days=7)
    # Last week went home at the school's send time (always before this week began),
    # written the day before and approved that morning.
    sent = school.send_time(last_week)
    written = sent - datetime.timedelta(days=1)
    approved = sent - datetime.timedelta(hours=3)
    students = list(
        Student.objects.filter(school=school)
        .select_related("classroom")
        .prefetch_related(
            Prefetch(
                "whanau_links",
                queryset=WhanauLink.objects.with_access().select_related("whanau"),
                to_attr="linked",
            )
        )
        .order_by("pk")
    )
    with transaction.atomic():
        WeekSend.objects.create(school=school, week=last_week, finished_at=sent)
        updates = []
        for index, student in enumerate(students):
            updates.append(
                WeeklyUpdate(
                    student=student,
                    week=last_week,
                    learned=rng.choice(LEARNED),
                    proud_of="I helped my buddy with their reading.",
                    status=WeeklyUpdate.Status.APPROVED,
                    submitted_at=written,
                    approved_at=approved,
                    queued_at=sent,
                    written_with_teacher=student.year_level <= 2,
                )
            )
            if student.pk in keep_free or index % 3 == 2:
                continue  # not written yet: shows on the teacher's week
            submitted = index % 3 == 0  # the rest are still drafts
            updates.append(
                WeeklyUpdate(
                    student=student,
                    week=this_week,
                    learned=rng.choice(LEARNED),
                    question_for_home="What did you learn at school when you were my age?",
                    status=(
                        WeeklyUpdate.Status.SUBMITTED if submitted else WeeklyUpdate.Status.DRAFT
                    ),
                    submitted_at=now if submitted else None,
                )
            )
        WeeklyUpdate.objects.bulk_create(updates)
        by_pk = {student.pk: student for student in students}
        deliveries, replies = [], []
        for update in updates:
            if update.week != last_week:
                continue
            student = by_pk[update.student_id]
            heard = student.pk not in quiet
            for link in student.linked:
                if link.receives_weekly_update and link.whanau.email:
                    deliveries.append(
                        UpdateDelivery(
                            update=update,
                            whanau=link.whanau,
                            link=link,
                            status=UpdateDelivery.Status.SENT,
                            sent_at=sent,
                            # Most families open it from the email over the weekend.
                            read_at=min(now, sent + datetime.timedelta(hours=rng.randint(2, 60)))
                            if heard and rng.random() < 0.7
                            else None,
                        )
                    )
            if heard and student.linked and student.linked[0].whanau.user_id and rng.random() < 0.4:
                replies.append(
                    UpdateReply(
                        update=update,
                        author_id=student.linked[0].whanau.user_id,
                        voice=Voice.WHANAU,
                        body="Ka pai! We talked about this at dinner.",
                    )
                )
        UpdateDelivery.objects.bulk_create(deliveries)
        UpdateReply.objects.bulk_create(replies)
    return len(updates)
