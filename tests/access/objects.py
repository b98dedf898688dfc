"""What the matrix's URLs point at, made on the test world only when a row asks for it.

``world`` (tests/conftest.py) is one school seen from every side; each test makes the
few extra objects its URL needs here (a conversation, a booking, a sent update…), each
belonging to the world's student, whose teacher is ``world.teacher``.
"""

import datetime
from functools import cached_property

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conversations.models import Booking, TimeRequest
from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from learners.models import Evidence, GoalComment, InquiryStep
from partnerships import notices
from partnerships.models import Invitation, Notice, Voice, hash_key
from reports import publishing
from reports import services as report_services
from reports.models import Report
from tests import factories
from tests.factories import PNG

INVITATION_KEY = "matrix-test-key"
STAFF_NOTES = "Staff only: check in with learning support about reading."


class Things:
    """The objects of one test, each made once, the first time it is asked for."""

    def __init__(self, world):
        self.world = world

    @cached_property
    def conversation(self):
        return factories.ConversationFactory(student=self.world.student, staff_notes=STAFF_NOTES)

    @cached_property
    def round(self):
        return factories.RoundFactory(school=self.world.school)

    @cached_property
    def slot(self):
        """An upcoming time the student's teacher offers in an open round."""
        return factories.SlotFactory(round=self.round, host=self.world.teacher)

    @cached_property
    def booking(self) -> Booking:
        return Booking.objects.create(
            slot=self.slot, student=self.world.student, whanau=self.world.link.whanau
        )

    @cached_property
    def time_request(self) -> TimeRequest:
        return TimeRequest.objects.create(
            round=self.round,
            student=self.world.student,
            whanau=self.world.link.whanau,
            message="Any weekday after 6pm, please.",
        )

    @cached_property
    def step(self):
        return factories.NextStepFactory(goal=self.world.goal)

    @cached_property
    def second_step(self):
        """After ``step``, so moving it up changes the order."""
        return factories.NextStepFactory(goal=self.world.goal, position=self.step.position + 1)

    @cached_property
    def inquiry_step(self) -> InquiryStep:
        """A step of the student's inquiry their teacher has shared with whānau."""
        return factories.InquiryStepFactory(
            student=self.world.student,
            stage=InquiryStep.Stage.KNOW,
            author=self.world.teacher,
            shared_with_whanau=True,
        )

    @cached_property
    def whanau_comment(self) -> GoalComment:
        """Written by ``world.whanau`` a moment ago, so still theirs to change."""
        return factories.GoalCommentFactory(
            goal=self.world.goal, author=self.world.whanau, voice=Voice.WHANAU
        )

    @cached_property
    def photo(self) -> Evidence:
        return Evidence.objects.create(
            goal=self.world.goal,
            kind=Evidence.Kind.PHOTO,
            voice=Voice.TEACHER,
            content_type="image/png",
            original_name="work.png",
            file=ContentFile(PNG, name="work.png"),
        )

    def _update(self, **fields) -> WeeklyUpdate:
        return WeeklyUpdate.objects.create(
            student=self.world.student,
            week=self.world.school.week_of(timezone.now()),
            learned="Volcanoes",
            **fields,
        )

    @cached_property
    def sent_update(self) -> WeeklyUpdate:
        """This week's update, gone home with a photo: whānau with access see it now."""
        return self._update(
            status=WeeklyUpdate.Status.APPROVED,
            approved_at=timezone.now(),
            queued_at=timezone.now(),
            photo=ContentFile(PNG, name="p.png"),
            photo_type="image/png",
        )

    @cached_property
    def submitted_update(self) -> WeeklyUpdate:
        """This week's update, written and waiting for the teacher's approval."""
        return self._update(status=WeeklyUpdate.Status.SUBMITTED)

    @cached_property
    def delivery(self) -> UpdateDelivery:
        return UpdateDelivery.objects.create(
            update=self.sent_update, whanau=self.world.link.whanau, link=self.world.link
        )

    @cached_property
    def read_token(self) -> str:
        return sending.read_token(self.delivery)

    @cached_property
    def unsubscribe_token(self) -> str:
        return sending.unsubscribe_token(self.world.link.pk)

    @cached_property
    def invitation(self) -> Invitation:
        """An invitation for new whānau of the student, whose link is ``INVITATION_KEY``."""
        return Invitation.objects.create(
            school=self.world.school,
            kind=Invitation.Kind.WHANAU,
            email="new-whanau@example.org",
            name="New Whānau",
            student=self.world.student,
            key_hash=hash_key(INVITATION_KEY),
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )

    round_name = "Mid-year"  # a school's rounds have names of their own

    @cached_property
    def report_round(self):
        """A round of reports covering the world's class, its learning since two months ago."""
        today = timezone.localdate()
        return report_services.report_round_create(
            actor=self.world.leader,
            school=self.world.school,
            name=self.round_name,
            period_starts_on=today - datetime.timedelta(days=60),
            due_on=today + datetime.timedelta(days=14),
            classes=[self.world.classroom],
        )

    @cached_property
    def report(self) -> Report:
        """The student's report, a draft with the teacher's comment."""
        report = Report.objects.get(round=self.report_round, student=self.world.student)
        report.teacher_comment = "A year of steady growth in reading."
        report.save()
        return report

    @cached_property
    def reflecting_report(self) -> Report:
        """The student's report, waiting for their reflection."""
        report = self.report
        report_services.report_ask_reflection(actor=self.world.teacher, report=report)
        report.refresh_from_db()
        return report

    @cached_property
    def published_report(self) -> Report:
        """The student's report, gone home as version 1 (nothing in it of concern)."""
        report = self.report
        report_services.report_mark_ready(actor=self.world.teacher, report=report)
        publishing.report_publish(actor=self.world.teacher, report=report)
        report.refresh_from_db()
        return report

    @cached_property
    def ready_report(self) -> Report:
        """The student's report, marked ready to go home (nothing in it of concern)."""
        report = self.report
        report_services.report_mark_ready(actor=self.world.teacher, report=report)
        report.refresh_from_db()
        return report

    @cached_property
    def publish_run(self):
        """The teacher publishing the world's class, finished."""
        run = publishing.publish_run_start(
            actor=self.world.teacher, round_=self.report_round, classroom=self.world.classroom
        )
        publishing.publish_run_continue(run.pk)
        run.refresh_from_db()
        return run

    @cached_property
    def notice_token(self) -> str:
        """The link in an email telling the world's whānau member of a teacher's comment."""
        notice = Notice.objects.create(
            kind="test",
            key="matrix-notice",
            school=self.world.school,
            student=self.world.student,
            whanau=self.world.link.whanau,
            actor=self.world.teacher,
            url=reverse("student_detail", args=[self.world.student.pk]),
        )
        return notices.open_token(notice.pk)
