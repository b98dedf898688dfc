"""The demo's written reports: mid-year reports gone home with some families' part written,
and an end-of-year round the demo teacher publishes, with one report the check holds."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations.models import LearningConversation
from conversations.services import conversation_record
from partnerships import demo
from partnerships.demo.constants import KOWHAI_CLASSES
from partnerships.models import Classroom, Notice, OutboxEmail, School, SignInCard, User, Voice
from reports import notices, publishing, surprises
from reports.demo_reports import END_OF_YEAR, MID_YEAR
from reports.models import Report, ReportRound, ReportVersion

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def seeded():
    _seed()
    school = School.objects.get(name=demo.DEMO_SCHOOL)
    return school, Classroom.objects.get(school=school, name=KOWHAI_CLASSES[0][0])


def _visitors(school) -> set[int]:
    """The demo whānau's tamariki and the card's student: what a visitor signs in to."""
    children = set(
        school.students.filter(whanau_links__whanau__email=demo.WHANAU_EMAIL).values_list(
            "pk", flat=True
        )
    )
    return children | {SignInCard.objects.get(code=demo.DEMO_CARD_CODE).student_id}


def test_mid_year_reports_went_home_and_some_families_wrote_back(seeded):
    """Most of the class's reports sent months ago, and each family told; whānau wrote
    their part on some."""
    school, classroom = seeded
    round_ = ReportRound.objects.get(school=school, name=MID_YEAR)
    reports = Report.objects.filter(round=round_)
    assert set(round_.classes.all()) == {classroom}
    assert reports.count() == classroom.students.count()
    sent = reports.filter(published_version=1)
    assert reports.count() - 2 == sent.count()
    versions = ReportVersion.objects.filter(report__round=round_, number=1)
    assert all(version.published_at < timezone.now() for version in versions)
    assert all(version.published_at.date() <= round_.due_on for version in versions)
    written = sent.exclude(home_help="")
    assert 0 < written.count() < sent.count()
    assert set(written.values_list("home_help_voice", flat=True)) == {Voice.WHANAU}
    assert not written.filter(student__in=_visitors(school) | demo.hard_to_reach(school))
    assert all(report.home_help_at > report.versions.get().published_at for report in written)
    told = Notice.objects.filter(kind=notices.PUBLISHED, student__reports__in=sent)
    assert set(told.values_list("student_id", flat=True)) == set(
        sent.filter(student__whanau_links__has_access=True).values_list("student_id", flat=True)
    )


def test_end_of_year_reports_are_written_and_ready(seeded):
    """Every report judged in three or four areas, with dispositions and a comment by name."""
    school, classroom = seeded
    round_ = ReportRound.objects.get(school=school, name=END_OF_YEAR)
    assert round_.period_starts_on < timezone.localdate() < round_.due_on
    reports = Report.objects.filter(round=round_).select_related("student")
    assert reports.count() == classroom.students.count()
    dispositions = school.dispositions.count()
    for report in reports:
        assert report.status == Report.Status.READY
        assert 3 <= report.judgements.count() <= 4
        assert report.dispositions.count() == dispositions
        assert report.student.display_name in report.teacher_comment


def test_publishing_the_class_holds_exactly_one_report(client, seeded):
    """The demo teacher publishes the class: all go home but one, held until its concern is
    talked through with the whānau; never the visitor's own child."""
    school, classroom = seeded
    teacher = User.objects.get(email=demo.TEACHER_EMAIL)
    round_ = ReportRound.objects.get(school=school, name=END_OF_YEAR)
    concerns = Report.objects.filter(round=round_, judgements__level__is_concern=True)
    assert concerns.distinct().count() > 1  # others have concerns too, raised this term
    run = publishing.publish_run_start(actor=teacher, round_=round_, classroom=classroom)
    publishing.publish_run_continue(run.pk)
    run.refresh_from_db()
    assert run.total == classroom.students.count()
    assert (run.published, len(run.held), run.not_ready) == (run.total - 1, 1, [])
    held = Report.objects.select_related("student", "round__school").get(pk=run.held[0])
    assert held.student_id not in _visitors(school)
    assert held.held_at is not None
    (unraised,) = surprises.unraised(held)
    assert unraised.concern.label.startswith("Working towards expectations in ")

    # On the teacher's dashboard, and opened from it.
    client.force_login(teacher)
    response = client.get(reverse("dashboard_students") + "?figure=reports_held")
    listed = {row[0].text: row[0].url for row in response.context["table"].rows}
    assert listed == {held.student.full_name: reverse("report_detail", args=[held.pk])}

    # Talked through with the whānau this term: it goes home.
    conversation_record(
        student=held.student,
        by=teacher,
        data={
            "kind": LearningConversation.Kind.THREE_WAY,
            "held_at": timezone.now(),
            "whanau_attendees": unraised.whanau,
            "school_noticed": f"We talked about {unraised.concern.name} together.",
        },
    )
    publishing.report_publish(actor=teacher, report=held)
    held.refresh_from_db()
    assert (held.status, held.held_at) == (Report.Status.PUBLISHED, None)


def test_the_leaders_dashboard_has_reports_at_once(client, seeded):
    """The mid-year round shows on the leader's figure straight away, with its trend."""
    client.force_login(User.objects.get(email=demo.LEADER_EMAIL))
    response = client.get(reverse("dashboard"))
    (figure,) = [each for each in response.context["figures"] if each.key == "reports"]
    rounds = {row[0].text: [cell.text for cell in row[1:]] for row in figure.tables[1].rows}
    sent = Report.objects.filter(round__name=MID_YEAR, published_version=1).count()
    assert rounds[MID_YEAR][1] == str(sent)
    assert rounds[MID_YEAR][2] != "–"
    assert rounds[END_OF_YEAR][1:] == ["0", "–", "0"]
    assert any(point.text == str(sent) for point in figure.trend)


def test_seeding_again_adds_no_reports(seeded):
    """The second run writes nothing and prints no line for the step."""
    counts = (
        ReportRound.objects.count(),
        Report.objects.count(),
        ReportVersion.objects.count(),
        OutboxEmail.objects.count(),
        LearningConversation.objects.count(),
    )
    output = _seed()
    assert "reports written" not in output
    assert counts == (
        ReportRound.objects.count(),
        Report.objects.count(),
        ReportVersion.objects.count(),
        OutboxEmail.objects.count(),
        LearningConversation.objects.count(),
    )
