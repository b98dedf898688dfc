"""Who hears of a report going home, of its corrections, and of what the family writes back;
and what reports leave waiting on the home page of whānau and the student.

Times are fixed in the school's time zone (Pacific/Auckland), in the daytime. The emails go
through ``outbox.send_due()`` with the locmem mail backend.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from partnerships import notices
from partnerships.models import Notice, Rhythm
from partnerships.roles import roles_of
from reports import panels, publishing, services
from reports.models import Report, ReportRound, ReportVersion
from reports.notices import CORRECTED, FAMILY_RESPONDED, FAMILY_WROTE, PUBLISHED
from tests import factories
from tests.mailbox import html, send

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
DAYTIME = datetime.datetime(2027, 6, 1, 10, 0, tzinfo=NZ)
ROUND = "Mid-year 2027"


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


@pytest.fixture
def report(world) -> Report:
    """The student's report in a round of the class, written and ready to go home."""
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name=ROUND,
        period_starts_on=DAYTIME.date() - datetime.timedelta(days=90),
        due_on=DAYTIME.date(),
        classes=[world.classroom],
    )
    report = Report.objects.get(round=round_, student=world.student)
    write(world, report, "Aroha reads chapter books on her own now.")
    return report


def write(world, report, comment: str, support: str = "") -> None:
    services.report_save(
        actor=world.teacher,
        report=report,
        teacher_comment=comment,
        support_note=support,
        judgements={},
        dispositions={},
    )
    services.report_mark_ready(actor=world.teacher, report=report)


def publish(world, report) -> ReportVersion:
    return publishing.report_publish(actor=world.teacher, report=report).version


def fresh(report) -> Report:
    return Report.objects.get(pk=report.pk)


# --- A report going home ----------------------------------------------------------------------


class TestReportPublished:
    def test_each_reader_with_access_and_the_student_hears_once(self, world, report):
        """The parent and the student hear of version 1; not the no-contact parent, another
        family, or the teacher who published it."""
        version = publish(world, report)
        told = Notice.objects.filter(kind=PUBLISHED)
        assert set(told.values_list("whanau_id", "user_id")) == {
            (world.link.whanau.pk, None),
            (None, world.student_user.pk),
        }
        for notice in told:
            assert notice.key == f"report:{report.pk}:v{version.number}"
            assert (notice.title, notice.url) == (ROUND, reverse("report_detail", args=[report.pk]))

    def test_the_email_names_the_child_and_the_round_and_opens_the_report(
        self, client, world, report
    ):
        """After the outbox sends: the sentence as subject and in both bodies, and the notice's
        own link, which opens the report."""
        publish(world, report)
        (message,) = send()
        name = world.student.display_name
        expected = f"{name}’s report ({ROUND}) is here: nothing in it should be a surprise"
        assert message.to == [world.link.whanau.email]
        assert message.subject == expected
        notice = Notice.objects.get(kind=PUBLISHED, whanau=world.link.whanau)
        link = notices.open_url(notice)
        for body in (message.body, html(message)):
            assert expected in body
            assert link in body
        assert client.get(link).url == reverse("report_detail", args=[report.pk])

    def test_a_parent_who_reads_te_reo_is_emailed_in_it(self, world, report):
        """Their email is in te reo Māori, lang="mi", with the sentence in their language."""
        member = world.link.whanau
        member.preferred_language = "mi"
        member.save(update_fields=["preferred_language"])
        publish(world, report)
        (message,) = send()
        notice = Notice.objects.get(whanau=member)
        with translation.override("mi"):
            expected = notices.sentence(notice, to_student=False)
        assert 'lang="mi"' in html(message)
        assert expected in message.body

    def test_the_student_reads_of_their_own_report(self, world, report):
        """The student's notice speaks to them."""
        publish(world, report)
        own = Notice.objects.get(user=world.student_user)
        assert notices.sentence(own, to_student=True) == (
            f"Your report ({ROUND}) is here: nothing in it should be a surprise"
        )

    def test_a_correction_lists_every_change_since_the_version_they_were_told_of(
        self, world, report
    ):
        """Version 1 emailed; version 2 published, and replaced by version 3 before its email
        went: one email, a correction naming the changes of both."""
        publish(world, report)
        assert len(send()) == 1
        factories.GoalFactory(student=world.student, title="Learn my pepeha")
        write(world, report, "Aroha reads chapter books and poems.")
        assert publish(world, report).changed == ["goals", "teacher_comment"]
        write(world, report, "Aroha reads chapter books, poems and plays.")
        assert publish(world, report).changed == ["teacher_comment"]

        member = world.link.whanau
        kinds = sorted(Notice.objects.filter(whanau=member).values_list("key", "kind"))
        assert kinds == [
            (f"report:{report.pk}:v1", PUBLISHED),
            (f"report:{report.pk}:v3", CORRECTED),
        ]
        (message,) = send()
        name = world.student.display_name
        assert message.subject == f"We corrected {name}’s report ({ROUND})"
        assert "What changed: Goals; Teacher’s comment" in message.body


# --- What the family writes back ------------------------------------------------------------------


class TestFamilyWritesBack:
    def test_the_childs_teacher_hears_of_how_they_will_help_at_home(self, world, report):
        """The class teacher, in their daily digest; not other staff, not the writer."""
        publish(world, report)
        publishing.report_home_help_save(
            actor=world.whanau, report=fresh(report), text="We will read every night."
        )
        notice = Notice.objects.get(kind=FAMILY_WROTE)
        assert (notice.user, notice.actor, notice.excerpt) == (
            world.teacher,
            world.whanau,
            "We will read every night.",
        )
        assert notice.url == reverse("report_detail", args=[report.pk]) + "#home"
        assert notice.due_at == datetime.datetime(2027, 6, 1, 17, 0, tzinfo=NZ)
        assert notices.sentence(notice, to_student=False) == (
            f"{world.whanau.name} wrote “how you can help at home” in "
            f"{world.student.display_name}’s report"
        )

    def test_rewriting_it_tells_them_once_per_writer(self, world, report):
        """The same parent changing their words adds nothing; the student writing adds one."""
        publish(world, report)
        for actor, text in (
            (world.whanau, "We will read every night."),
            (world.whanau, "We will read every night, and count the change."),
            (world.student_user, "I will read to my brother."),
        ):
            publishing.report_home_help_save(actor=actor, report=fresh(report), text=text)
        assert sorted(
            Notice.objects.filter(kind=FAMILY_WROTE).values_list("actor", flat=True)
        ) == sorted([world.whanau.pk, world.student_user.pk])

    def test_a_response_reaches_the_childs_teachers(self, world, report):
        """Each response is its own notice, with its words, at the teacher's rhythm."""
        world.teacher.notice_rhythms = {FAMILY_RESPONDED: Rhythm.INSTANT}
        world.teacher.save(update_fields=["notice_rhythms"])
        publish(world, report)
        send()
        publishing.report_respond(actor=world.whanau, report=fresh(report), body="Thank you!")
        publishing.report_respond(actor=world.whanau, report=fresh(report), body="One more.")
        told = Notice.objects.filter(kind=FAMILY_RESPONDED)
        assert set(told.values_list("user", "excerpt")) == {
            (world.teacher.pk, "Thank you!"),
            (world.teacher.pk, "One more."),
        }
        messages = send()
        assert [m.to for m in messages] == [[world.teacher.email], [world.teacher.email]]
        assert messages[0].subject == (
            f"{world.whanau.name} responded to {world.student.display_name}’s report"
        )

    def test_a_teacher_who_left_the_class_is_not_told(self, world, report):
        """Only the student's teachers now."""
        publish(world, report)
        world.classroom.teachers.remove(world.teacher)
        publishing.report_respond(actor=world.whanau, report=fresh(report), body="Thanks.")
        assert not Notice.objects.filter(kind=FAMILY_RESPONDED).exists()


# --- What waits on the home page ---------------------------------------------------------------


def waiting(function, user) -> list | None:
    request = RequestFactory().get("/")
    request.user = user
    return function(request, roles_of(user))


class TestWaiting:
    def test_the_student_is_asked_for_their_reflection_until_they_write_it(self, world, report):
        """“Write”, to the reflection page, while the teacher asks; gone once written."""
        Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
        services.report_ask_reflection(actor=world.teacher, report=fresh(report))
        (item,) = waiting(panels.report_reflection, world.student_user)
        assert (item.sentence, item.url, item.action, item.student_id) == (
            f"Write your reflection for {ROUND}",
            reverse("report_reflection", args=[report.pk]),
            "Write",
            world.student.pk,
        )
        services.report_reflect(actor=world.student_user, report=fresh(report), text="I tried.")
        assert waiting(panels.report_reflection, world.student_user) == []
        assert waiting(panels.report_reflection, world.whanau) is None

    def test_the_familys_part_waits_until_someone_writes_it(self, world, report):
        """Whānau and the student are asked for “how you can help at home” once it is home;
        nobody before, and nobody once it is written."""
        assert waiting(panels.report_home_help, world.whanau) == []
        publish(world, report)
        (item,) = waiting(panels.report_home_help, world.whanau)
        name = world.student.display_name
        assert item.sentence == (
            f"{name}’s report is here ({ROUND}): read it, and write “how you can help at "
            "home” together"
        )
        assert (item.url, item.action) == (
            reverse("report_detail", args=[report.pk]) + "#home",
            "Read and write",
        )
        assert item.at == timezone.now()
        (own,) = waiting(panels.report_home_help, world.student_user)
        assert own.sentence == (
            f"Your report is here ({ROUND}): write “how you can help at home” with your whānau"
        )
        publishing.report_home_help_save(
            actor=world.student_user, report=fresh(report), text="I will read to Nan."
        )
        assert waiting(panels.report_home_help, world.whanau) == []

    def test_nothing_waits_for_staff_or_a_no_contact_link(self, world, report):
        """Teachers and whānau without access are asked nothing."""
        publish(world, report)
        for user in (world.teacher, world.leader, world.no_access_whanau):
            assert not waiting(panels.report_home_help, user)
            assert not waiting(panels.report_reflection, user)

    def test_the_home_page_shows_it_and_no_reports_panel(self, client, world, report):
        """The whānau home page asks for the family's part among what waits."""
        publish(world, report)
        client.force_login(world.whanau)
        page = client.get(reverse("home")).content.decode()
        assert f"{world.student.display_name}’s report is here ({ROUND})" in page
        assert 'id="reports-heading"' not in page

    def test_one_query_each_however_many_reports(self, world, django_assert_num_queries):
        """One query for the family's part and one for reflections: with one report of each,
        and with four (the whānau member's reports across four children)."""
        member = world.link.whanau
        children = [world.student]
        for size in (1, 4):
            while len(children) < size:
                child = factories.StudentFactory(school=world.school, classroom=world.classroom)
                factories.WhanauLinkFactory(student=child, whanau=member)
                children.append(child)
            while Report.objects.filter(status=Report.Status.PUBLISHED).count() < size:
                _report(world, children[Report.objects.filter(status="published").count()])
            while Report.objects.filter(status=Report.Status.REFLECTION).count() < size:
                _report(world, world.student, status=Report.Status.REFLECTION)
            for function, user in (
                (panels.report_home_help, world.whanau),
                (panels.report_reflection, world.student_user),
            ):
                request = RequestFactory().get("/")
                request.user = user
                roles = roles_of(user)
                # The reports, with their round, student and first version's time.
                with django_assert_num_queries(1):
                    items = function(request, roles)
                assert len(items) == size


def _report(world, student, *, status=Report.Status.PUBLISHED) -> Report:
    """A report of the student in a round of its own: gone home, or waiting to reflect on."""
    round_ = ReportRound.objects.create(
        school=world.school,
        name=f"Round {ReportRound.objects.count() + 1}",
        period_starts_on=DAYTIME.date() - datetime.timedelta(days=90),
        due_on=DAYTIME.date(),
    )
    published = status == Report.Status.PUBLISHED
    report = Report.objects.create(
        round=round_, student=student, status=status, published_version=int(published)
    )
    if published:
        ReportVersion.objects.create(
            report=report, number=1, content={}, published_at=timezone.now()
        )
    return report
