"""The partnership dashboard: what each figure counts, whose students it counts, and what
happens with filters that make no sense."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import (
    Booking,
    LearningConversation,
    UpdateDelivery,
    UpdateReply,
    WeeklyUpdate,
)
from learners.models import GoalAgreement, GoalComment, InquiryStep
from partnerships.models import Term, Voice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(world):
    today = timezone.localdate()
    return Term.objects.create(
        school=world.school,
        name="Term 4",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _figures(response) -> dict:
    return {figure.key: figure for figure in response.context["figures"]}


def test_engagement_counts_students_whose_whanau_took_part(client, world, term):
    """A whānau comment counts; a teacher's comment alone does not."""
    GoalComment.objects.create(goal=world.goal, voice=Voice.WHANAU, body="We read together")
    classmate_goal = factories.GoalFactory(student=world.classmate)
    GoalComment.objects.create(goal=classmate_goal, voice=Voice.TEACHER, body="Ka pai")
    client.force_login(world.teacher)
    figure = _figures(client.get(reverse("dashboard")))["engagement"]
    assert figure.headline == "50%"
    assert ("engaged", "Whānau took part", 1) in figure.drill
    assert figure.trend[-1].label == "Term 4"
    assert figure.trend[-1].text == "50%"


def test_voice_balance_shows_a_class_that_tells_more_than_it_listens(client, world, term):
    """Staff comments against whānau and student ones, per class and for the school."""
    for body in ("One", "Two", "Three"):
        GoalComment.objects.create(goal=world.goal, voice=Voice.TEACHER, body=body)
    GoalComment.objects.create(goal=world.goal, voice=Voice.WHANAU, body="Home")
    client.force_login(world.leader)
    figure = _figures(client.get(reverse("dashboard")))["voice"]
    (table,) = figure.tables
    rows = {row[0].text: [cell.text for cell in row[1:]] for row in table.rows}
    # The goal itself was proposed by the teacher: four staff contributions in all.
    assert rows[world.classroom.name] == ["1", "0", "4", "20%"]
    assert figure.headline == "20%"


def test_co_construction_counts_whanau_agreement_and_proposals(client, world, term):
    """Of two active goals, one agreed and proposed by whānau."""
    goal = factories.GoalFactory(student=world.student, proposed_by_voice=Voice.WHANAU)
    GoalAgreement.objects.create(goal=goal, user=world.whanau, voice=Voice.WHANAU)
    client.force_login(world.leader)
    figure = _figures(client.get(reverse("dashboard")))["goals"]
    assert figure.headline == "50%"
    shares = {row[0].text: row[2].text for row in figure.tables[0].rows}
    assert shares == {
        "Agreed by the student": "0%",
        "Agreed by whānau": "50%",
        "Proposed by whānau": "50%",
    }


def test_an_overdue_transition_is_counted_and_listed(client, world, term):
    """A student who started five weeks ago with no transition conversation is overdue."""
    client.force_login(world.teacher)

    def overdue() -> int:
        figure = _figures(client.get(reverse("dashboard")))["conversations"]
        return figure.drill[0][2]

    before = overdue()
    late = factories.StudentFactory(
        school=world.school,
        classroom=world.classroom,
        start_date=timezone.localdate() - datetime.timedelta(weeks=5),
    )
    assert overdue() == before + 1
    response = client.get(reverse("dashboard_students") + "?figure=transition_overdue")
    assert late.last_name in _text(response)
    LearningConversation.objects.create(
        student=late, kind=LearningConversation.Kind.TRANSITION, held_at=timezone.now()
    )
    assert overdue() == before


def test_weekly_updates_written_sent_read_and_replied(client, world, term):
    """An update sent to whānau, opened by them and replied to, shows at each stage."""
    now = timezone.now()
    update = WeeklyUpdate.objects.create(
        student=world.student,
        week=world.school.week_of(now),
        learned="Volcanoes",
        status=WeeklyUpdate.Status.APPROVED,
        submitted_at=now,
        approved_at=now,
        queued_at=now,
    )
    delivery = UpdateDelivery.objects.create(
        update=update, whanau=world.link.whanau, status=UpdateDelivery.Status.SENT, sent_at=now
    )
    client.force_login(world.teacher)
    client.get(reverse("weekly_update_detail", args=[update.pk]))  # staff reading is not "read"
    delivery.refresh_from_db()
    assert delivery.read_at is None
    client.force_login(world.whanau)
    client.get(reverse("weekly_update_detail", args=[update.pk]))
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    UpdateReply.objects.create(update=update, voice=Voice.WHANAU, body="Ka rawe!")
    client.force_login(world.teacher)
    figure = _figures(client.get(reverse("dashboard") + "?period=week"))["updates"]
    numbers = {row[0].text: row[1].text for row in figure.tables[0].rows}
    assert numbers == {
        "Written": "1",
        "Approved": "1",
        "Sent home": "1",
        "Opened by whānau": "1",
        "Replied to by whānau": "1",
    }


def test_a_teachers_figures_and_lists_are_only_of_their_classes(client, world, term):
    """The other class's quiet family is on the leader's worklist, never on the teacher's."""
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard_students") + "?figure=not_reached")
    assert world.student.last_name in _text(response)
    assert world.other_student.last_name not in response.content.decode()
    assert response.context["page"].paginator.count == 2  # the student and their classmate
    client.force_login(world.leader)
    response = client.get(reverse("dashboard_students") + "?figure=not_reached")
    assert world.other_student.last_name in _text(response)
    assert world.other_school_student.last_name not in response.content.decode()


def test_booking_a_conversation_counts_as_taking_part(client, world, term):
    """Booking a time is two-way contact: the family is no longer on the not-reached list."""
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school), host=world.teacher
    )
    Booking.objects.create(slot=slot, student=world.student, whanau=world.link.whanau)
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard_students") + "?figure=not_reached")
    assert world.student.last_name not in _text(response)
    assert world.classmate.last_name in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("classroom=999999", "We couldn’t find that class among yours."),
        ("classroom=abc", "We couldn’t find that class among yours."),
        ("year_level=99", "Year levels go from 0 to 13."),
        ("period=fortnight", "That is not a period we know."),
        ("period=custom&start=2026-05-01&end=2026-04-01", "The period ends before it starts."),
        ("period=custom&start=2026-05-01", "Chosen dates need a first and a last day."),
        ("period=custom&start=1999-12-31&end=2026-04-01", "Choose dates from 2000"),
        ("period=custom&start=yesterday&end=2026-04-01", "The first day is not a date."),
        ("weeks=0", "Weeks must be a whole number from 1 to 52."),
        ("weeks=9999999999999999999999", "Weeks must be a whole number from 1 to 52."),
    ],
)
def test_filters_that_make_no_sense_are_named_and_the_figures_left_unfiltered(
    client, world, term, query, message
):
    """The page says what was wrong, in plain words, and shows the unfiltered figures."""
    client.force_login(world.leader)
    response = client.get(f"{reverse('dashboard')}?{query}")
    assert message in response.context["scope"].errors[0]
    assert message.replace("’", "&#x27;").replace("’", "’") in _text(response) or (
        message in response.content.decode()
    )
    assert response.context["scope"].students.count() == 3
    assert response.context["scope"].query == ""


def test_another_schools_class_is_refused(client, world, term):
    """A class id from another school filters nothing and shows nothing of that school."""
    theirs = factories.ClassroomFactory(school=world.other_school)
    client.force_login(world.leader)
    response = client.get(f"{reverse('dashboard')}?classroom={theirs.pk}")
    assert "We couldn’t find that class among yours." in _text(response)
    assert theirs.name not in response.content.decode()
    assert response.context["scope"].school == world.school


def test_filters_narrow_every_figure(client, world, term):
    """Choosing the other class leaves the world's student out of every figure."""
    GoalComment.objects.create(goal=world.goal, voice=Voice.WHANAU, body="We read together")
    other_class = world.other_student.classroom
    client.force_login(world.leader)
    response = client.get(f"{reverse('dashboard')}?classroom={other_class.pk}&period=4weeks")
    assert _figures(response)["engagement"].headline == "0%"
    assert response.context["scope"].period.label == "Last 4 weeks"
    assert f"classroom={other_class.pk}" in response.context["drill_base"]


def test_csv_export_is_spreadsheet_safe_and_filtered(client, world, term):
    """A name that looks like a formula is written as text; the file is the filtered list."""
    world.classmate.first_name = '=HYPERLINK("http://x.example")'
    world.classmate.save()
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard_students") + "?figure=not_reached&export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffStudent,Class,")
    assert "'=HYPERLINK" in body
    assert world.other_student.last_name not in body
    response = client.get(reverse("dashboard") + "?export=voice")
    assert response.content.decode().startswith("\ufeffClass,Whānau,Students,Staff")


def test_unknown_export_or_figure_says_so(client, world, term):
    """An export or figure that does not exist is named on the page, not a 500 or a 404."""
    client.force_login(world.leader)
    assert "There is no table called that" in _text(client.get("/dashboard/?export=nope"))
    response = client.get("/dashboard/students/?figure=nope&page=abc")
    assert "We don’t know that figure" in _text(response)


def test_home_page_is_the_dashboard_for_staff_only(client, world, term):
    """Leaders and teachers land on the dashboard; whānau see their tamariki."""
    client.force_login(world.leader)
    assert "Partnership dashboard" in _text(client.get(reverse("home")))
    client.force_login(world.whanau)
    assert "Partnership dashboard" not in _text(client.get(reverse("home")))
    assert client.get(reverse("dashboard")).status_code == 404


def test_without_terms_the_trend_is_of_ten_week_blocks(client, world):
    """A school that has not set its terms still sees a trend, over the last forty weeks."""
    client.force_login(world.leader)
    response = client.get(reverse("dashboard"))
    assert len(_figures(response)["engagement"].trend) == 4
    assert response.context["scope"].period.label == "Last 10 weeks"


def test_priority_learners_by_stage_of_their_inquiry(client, world, term):
    """Each stage's count opens its learners; the priority filter narrows every figure."""
    world.classmate.is_priority_learner = True
    world.classmate.save()
    factories.InquiryStepFactory(student=world.classmate, stage=InquiryStep.Stage.IDENTIFY)
    world.student.is_priority_learner = True
    world.student.save()
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard") + "?priority=1")
    figure = _figures(response)["inquiry"]
    counts = {row[0].text: row[1].text for row in figure.tables[0].rows}
    assert counts["Not started"] == "1"
    assert counts["Why a priority"] == "1"
    assert ("inquiry_identify", "Why a priority", 1) in figure.drill
    assert response.context["scope"].students.count() == 2
    response = client.get(reverse("dashboard_students") + "?figure=inquiry_identify")
    assert world.classmate.last_name in _text(response)
    assert world.student.last_name not in response.content.decode()
    response = client.get(reverse("dashboard_students") + "?figure=inquiry_none")
    assert world.student.last_name in _text(response)


def test_whanau_adding_to_an_inquiry_counts_as_taking_part(client, world, term):
    """A whānau entry in a shared stage is two-way contact."""
    factories.InquiryStepFactory(student=world.student, voice=Voice.WHANAU, shared_with_whanau=True)
    client.force_login(world.teacher)
    assert _figures(client.get(reverse("dashboard")))["engagement"].headline == "50%"


def _shown_headline(response, key: str) -> str:
    """The big number a person reads under a figure's heading."""
    found = re.search(
        rf'id="figure-{key}">[^<]*</h3>\s*<p class="display-6 mb-1">([^<]*)</p>', _text(response)
    )
    return found.group(1)


def test_figures_are_kept_a_few_minutes_for_the_same_people(client, world, term, settings):
    """Leaders of a school share a count for a few minutes; a teacher gets their own."""
    settings.DASHBOARD_CACHE_SECONDS = 300
    second_leader = factories.LeaderFactory(school=world.school).user
    client.force_login(world.leader)
    assert _shown_headline(client.get(reverse("dashboard")), "engagement") == "0%"
    GoalComment.objects.create(goal=world.goal, voice=Voice.WHANAU, body="We read together")
    assert _shown_headline(client.get(reverse("dashboard")), "engagement") == "0%"
    client.force_login(second_leader)
    response = client.get(reverse("dashboard"))
    assert _shown_headline(response, "engagement") == "0%"
    assert "counted at" in response.content.decode()
    response = client.get(reverse("dashboard") + "?period=4weeks")
    assert _shown_headline(response, "engagement") == "33%"
    # A download is the figures as they stand.
    response = client.get(reverse("dashboard") + "?export=voice")
    assert "\r\nAll,1," in response.content.decode()
    client.force_login(world.teacher)
    assert _shown_headline(client.get(reverse("dashboard")), "engagement") == "50%"


def test_a_cache_that_is_down_only_makes_the_page_slower(client, world, term, settings, caplog):
    """With the cache unreachable, the figures are counted for this request."""
    settings.DASHBOARD_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    client.force_login(world.leader)
    response = client.get(reverse("dashboard"))
    assert _figures(response)["engagement"].headline == "0%"
    assert "dashboard cache unavailable" in caplog.text


def test_a_filter_that_leaves_no_students_shows_empty_figures(client, world, term):
    """No priority learners in the class: every figure is empty, and the worklist says so."""
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard") + "?priority=1")
    assert _figures(response)["engagement"].headline == "–"
    assert response.context["not_reached_count"] == 0
    assert "No students." in response.content.decode()


def test_students_with_no_update_or_conversation_are_listed(client, world, term):
    """The weekly-update and conversation figures open the students they are missing for."""
    LearningConversation.objects.create(
        student=world.student, kind=LearningConversation.Kind.GOAL_SETTING, held_at=timezone.now()
    )
    WeeklyUpdate.objects.create(
        student=world.classmate,
        week=world.school.week_of(timezone.now()),
        learned="Fractions",
        status=WeeklyUpdate.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    client.force_login(world.teacher)
    response = client.get(reverse("dashboard_students") + "?figure=no_conversation")
    assert world.classmate.last_name in _text(response)
    assert world.student.last_name not in response.content.decode()
    response = client.get(reverse("dashboard_students") + "?figure=no_update&period=week")
    assert world.student.last_name in _text(response)
    assert world.classmate.last_name not in response.content.decode()


def test_a_drill_down_page_is_kept_too(client, world, term, settings):
    """The students behind a figure are kept for the same people, figure and page."""
    settings.DASHBOARD_CACHE_SECONDS = 300
    client.force_login(world.teacher)
    url = reverse("dashboard_students") + "?figure=not_reached"
    assert world.student.last_name in _text(client.get(url))
    GoalComment.objects.create(goal=world.goal, voice=Voice.WHANAU, body="We read together")
    assert world.student.last_name in _text(client.get(url))
    assert world.student.last_name not in _text(client.get(url + "&page=1"))


def test_a_download_with_filters_that_make_no_sense_is_refused(client, world, term):
    """No file of unfiltered figures passed off as filtered: the page says what to fix."""
    client.force_login(world.leader)
    response = client.get(reverse("dashboard") + "?export=voice&year_level=99")
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing was downloaded" in _text(response)
    response = client.get(reverse("dashboard_students") + "?figure=nope&export=csv")
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing was downloaded" in _text(response)
