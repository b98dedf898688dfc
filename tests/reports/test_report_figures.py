"""Written reports on the dashboard: reports sent home in the period, those the no-surprises
check holds, the family's part written; the students behind them; and the family's writing
counted as taking part and as their voice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learners.models import LearningArea
from partnerships.models import Term, Voice
from reports import publishing, services
from reports.models import Judgement, Report, ReportRound, ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(world):
    """This term, from 30 days ago, and the one before it (for the trend)."""
    today = timezone.localdate()
    Term.objects.create(
        school=world.school,
        name="Term 2",
        starts_on=today - datetime.timedelta(days=130),
        ends_on=today - datetime.timedelta(days=60),
    )
    return Term.objects.create(
        school=world.school,
        name="Term 3",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )


def _round(school, name="End of year", days_ago=40) -> ReportRound:
    today = timezone.localdate()
    round_, _created = ReportRound.objects.get_or_create(
        school=school,
        name=name,
        defaults={
            "period_starts_on": today - datetime.timedelta(days=days_ago),
            "due_on": today + datetime.timedelta(days=7),
        },
    )
    return round_


def _report(student, *, sent_days_ago=None, held=False, home_help_voice="", round_=None):
    """A report, sent home ``sent_days_ago`` (version 1), held by the check, or written back to."""
    report = Report.objects.create(
        round=round_ or _round(student.school),
        student=student,
        status=Report.Status.PUBLISHED if sent_days_ago is not None else Report.Status.READY,
        published_version=1 if sent_days_ago is not None else 0,
        held_at=timezone.now() if held else None,
        home_help="Reading together after tea." if home_help_voice else "",
        home_help_voice=home_help_voice,
        home_help_at=timezone.now() if home_help_voice else None,
    )
    if sent_days_ago is not None:
        ReportVersion.objects.create(
            report=report,
            number=1,
            content={},
            published_at=timezone.now() - datetime.timedelta(days=sent_days_ago),
        )
    return report


def _figure(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    (figure,) = [each for each in response.context["figures"] if each.key == "reports"]
    return figure


def _numbers(figure) -> dict:
    return {row[0].text: row[1].text for row in figure.tables[0].rows}


def _drill(figure) -> dict:
    return {key: count for key, _label, count in figure.drill}


def _listed(client, user, key: str, query="") -> dict:
    """The students a drill-down lists: name → where the name links."""
    client.force_login(user)
    response = client.get(f"{reverse('dashboard_students')}?figure={key}{query}")
    assert response.status_code == 200
    return {row[0].text: row[0].url for row in response.context["table"].rows}


def test_reports_sent_home_in_the_period_and_the_familys_part(client, world, term):
    """Sent this term: counted, with the share whānau or the student wrote back on."""
    _report(world.student, sent_days_ago=3, home_help_voice=Voice.WHANAU)
    _report(world.classmate, sent_days_ago=5)
    _report(world.other_student, sent_days_ago=1, home_help_voice=Voice.STUDENT)
    figure = _figure(client, world.leader)
    assert figure.headline == "3"
    assert _numbers(figure) == {
        "Sent home for the first time": "3",
        "With “how you can help at home” from whānau or the student": "2",
        "Without the family’s part yet": "1",
        "Held by the no-surprises check now": "0",
    }
    assert figure.tables[0].rows[1][2].text == "67%"
    assert _drill(figure) == {"reports_held": 0, "reports_without_home_help": 1}
    assert "3 reports went home for the first time" in figure.explanation


def test_a_report_counts_in_the_period_it_first_went_home(client, world, term):
    """Sent last term, corrected this term: last term's, in the trend, not this period's."""
    report = _report(world.student, sent_days_ago=90)
    ReportVersion.objects.create(report=report, number=2, content={}, published_at=timezone.now())
    Report.objects.filter(pk=report.pk).update(published_version=2)
    _report(world.classmate, sent_days_ago=2)
    figure = _figure(client, world.leader)
    assert figure.headline == "1"
    assert [(point.label, point.text) for point in figure.trend] == [
        ("Term 2", "1"),
        ("Term 3", "1"),
    ]
    assert _figure(client, world.leader, "?period=4weeks").headline == "1"
    start = timezone.localdate() - datetime.timedelta(days=100)
    custom = f"?period=custom&start={start}&end={start + datetime.timedelta(days=20)}"
    assert _figure(client, world.leader, custom).headline == "1"  # the corrected one, then


def test_held_reports_are_counted_now_and_listed_with_a_link_to_the_report(client, world, term):
    """Publishing a report with a concern not yet raised holds it: counted, and listed."""
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name="Mid-year",
        period_starts_on=timezone.localdate() - datetime.timedelta(days=20),
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        classes=[world.classroom],
    )
    report = Report.objects.get(round=round_, student=world.student)
    area, _created = LearningArea.objects.get_or_create(school=world.school, name="Science")
    concern = next(level for level in services.scale_for(world.school) if level.is_concern)
    Judgement.objects.create(report=report, learning_area=area, level=concern)
    services.report_mark_ready(actor=world.teacher, report=report)
    with pytest.raises(publishing.HeldError):
        publishing.report_publish(actor=world.teacher, report=report)
    figure = _figure(client, world.teacher)
    assert _numbers(figure)["Held by the no-surprises check now"] == "1"
    assert _drill(figure)["reports_held"] == 1
    assert "1 report is held by the no-surprises check now" in figure.explanation
    listed = _listed(client, world.teacher, "reports_held")
    assert listed == {world.student.full_name: reverse("report_detail", args=[report.pk])}
    rounds = {row[0].text: [cell.text for cell in row[1:]] for row in figure.tables[1].rows}
    assert rounds == {"Mid-year": ["2", "0", "–", "1"]}


def test_a_published_report_is_no_longer_held(client, world, term):
    """Once it has gone home (a leader's reason, or the concern raised), it is not held."""
    report = _report(world.student, held=True)
    assert _drill(_figure(client, world.leader))["reports_held"] == 1
    report.status, report.published_version = Report.Status.PUBLISHED, 1
    report.save()
    assert _drill(_figure(client, world.leader))["reports_held"] == 0
    assert _listed(client, world.leader, "reports_held") == {}


def test_a_teacher_counts_their_students_and_filters_narrow(client, world, term):
    """The other class's reports are the leader's to see; a class filter narrows the leader's."""
    _report(world.student, sent_days_ago=2)
    _report(world.other_student, sent_days_ago=2)
    _report(world.other_student, held=True, round_=_round(world.school, "Mid-year"))
    assert _figure(client, world.teacher).headline == "1"
    assert _drill(_figure(client, world.teacher))["reports_held"] == 0
    assert _figure(client, world.leader).headline == "2"
    other_class = world.other_student.classroom
    narrowed = _figure(client, world.leader, f"?classroom={other_class.pk}")
    assert narrowed.headline == "1"
    assert _drill(narrowed)["reports_held"] == 1
    assert _figure(client, world.leader, "?priority=1").headline == "0"
    assert _listed(client, world.teacher, "reports_held") == {}
    assert list(_listed(client, world.leader, "reports_held")) == [world.other_student.full_name]


def test_another_schools_reports_are_never_counted(client, world, term):
    """Their reports sent home and held count for nobody here, nor are they listed."""
    theirs = _round(world.other_school)
    _report(world.other_school_student, sent_days_ago=2, round_=theirs)
    _report(
        factories.StudentFactory(school=world.other_school),
        held=True,
        round_=_round(world.other_school, "Mid-year"),
    )
    figure = _figure(client, world.leader)
    assert figure.headline == "0"
    assert _drill(figure) == {"reports_held": 0, "reports_without_home_help": 0}
    assert figure.tables[1].rows == []
    assert _listed(client, world.leader, "reports_held") == {}
    assert _figure(client, world.other_school_leader).headline == "1"


def test_reports_sent_without_the_familys_part_are_listed(client, world, term):
    """Only this period's, only those with nothing from whānau or the student yet."""
    waiting = _report(world.classmate, sent_days_ago=4)
    _report(world.student, sent_days_ago=4, home_help_voice=Voice.STUDENT)
    _report(world.other_student, sent_days_ago=90)
    listed = _listed(client, world.leader, "reports_without_home_help")
    assert listed == {world.classmate.full_name: reverse("report_detail", args=[waiting.pk])}
    client.force_login(world.leader)
    response = client.get(
        reverse("dashboard_students") + "?figure=reports_without_home_help&export=csv"
    )
    body = response.content.decode()
    assert world.classmate.last_name in body
    assert world.student.last_name not in body


def test_the_tables_download(client, world, term):
    """The figure's table and the rounds' table are files like any other."""
    _report(world.student, sent_days_ago=2, home_help_voice=Voice.WHANAU)
    client.force_login(world.leader)
    body = client.get(reverse("dashboard") + "?export=reports").content.decode()
    assert body.startswith("\ufeffReports,Number,Share of those sent home")
    assert "Sent home for the first time,1," in body
    body = client.get(reverse("dashboard") + "?export=report_rounds").content.decode()
    assert "End of year,1,1,100%,0" in body


def _published(world) -> Report:
    """The world's student's report, sent home through the service."""
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name="Mid-year",
        period_starts_on=timezone.localdate() - datetime.timedelta(days=20),
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        classes=[world.classroom],
    )
    report = Report.objects.get(round=round_, student=world.student)
    services.report_mark_ready(actor=world.teacher, report=report)
    publishing.report_publish(actor=world.teacher, report=report)
    report.refresh_from_db()
    return report


def _engagement(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    (figure,) = [each for each in response.context["figures"] if each.key == "engagement"]
    return figure.headline


def test_whanau_writing_how_to_help_at_home_is_taking_part(client, world, term):
    """Engaged, reached, and when they last took part: the day they wrote it."""
    report = _published(world)
    assert _engagement(client, world.teacher) == "0%"
    assert world.student.full_name in _listed(client, world.teacher, "not_reached")
    publishing.report_home_help_save(actor=world.whanau, report=report, text="Read every night")
    assert _engagement(client, world.teacher) == "50%"
    assert world.student.full_name not in _listed(client, world.teacher, "not_reached")
    assert world.student.full_name in _listed(client, world.teacher, "engaged")
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard_students") + "?figure=engaged")
    (row,) = response.context["table"].rows
    assert row[2].text != "Not yet"


def test_the_student_writing_it_is_not_whanau_taking_part(client, world, term):
    """The student's own words are their voice, not their whānau's contact."""
    report = _published(world)
    publishing.report_home_help_save(actor=world.student_user, report=report, text="I will read")
    assert _engagement(client, world.teacher) == "0%"


def test_a_whanau_response_to_a_report_is_taking_part(client, world, term):
    """Saying something back about the report is two-way contact."""
    report = _published(world)
    publishing.report_respond(actor=world.whanau, report=report, body="Thank you, ka pai")
    assert _engagement(client, world.teacher) == "50%"
    assert world.student.full_name not in _listed(client, world.teacher, "not_reached")


def test_writing_in_a_report_is_heard_in_the_voice_balance(client, world, term):
    """Whānau home help and responses are whānau voice; the student's home help, theirs."""
    report = _published(world)
    publishing.report_home_help_save(actor=world.whanau, report=report, text="Read every night")
    publishing.report_respond(actor=world.whanau, report=report, body="Ka pai")
    publishing.report_respond(actor=world.student_user, report=report, body="I liked it")
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard"))
    (figure,) = [each for each in response.context["figures"] if each.key == "voice"]
    rows = {row[0].text: [cell.text for cell in row[1:4]] for row in figure.tables[0].rows}
    # The goal the teacher proposed is the one staff contribution.
    assert rows[world.classroom.name] == ["2", "1", "1"]
    report.refresh_from_db()
    publishing.report_home_help_save(actor=world.student_user, report=report, text="I will read")
    response = client.get(reverse("dashboard"))
    (figure,) = [each for each in response.context["figures"] if each.key == "voice"]
    rows = {row[0].text: [cell.text for cell in row[1:4]] for row in figure.tables[0].rows}
    assert rows[world.classroom.name] == ["1", "2", "1"]
