"""Report pages as each person uses them: a leader opens a round, a teacher writes and
publishes, the student reflects, whānau read and write their part, and the check holds what
would surprise a family."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learners.models import LearningArea
from partnerships.models import AuditEvent, Notice
from reports.models import AchievementLevel, PublishRun, Report, ReportRound
from tests import factories

pytestmark = pytest.mark.django_db


def _open_round(client, world) -> ReportRound:
    today = timezone.localdate()
    client.force_login(world.leader)
    response = client.post(
        reverse("report_round_list"),
        {
            "form": "round",
            "name": "Mid-year 2026",
            "period_starts_on": (today - datetime.timedelta(days=60)).isoformat(),
            "due_on": (today + datetime.timedelta(days=14)).isoformat(),
            "classes": [world.classroom.pk],
        },
    )
    assert response.status_code == 302
    return ReportRound.objects.get(school=world.school, name="Mid-year 2026")


def _write(client, world, report, *, level_name: str, area: LearningArea) -> None:
    level = AchievementLevel.objects.get(school=world.school, name=level_name)
    client.force_login(world.teacher)
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        {
            f"area_{area.pk}": str(level.pk),
            f"area_{area.pk}_comment": "Counting on in tens.",
            "teacher_comment": "Tama has grown in confidence this term.",
            "support_note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def maths(world):
    return LearningArea.objects.create(school=world.school, name="Mathematics")


def test_a_round_gives_each_student_of_its_classes_a_draft(client, world):
    """Opening a round makes a draft for every student of the classes it covers."""
    round_ = _open_round(client, world)
    students = set(round_.reports.values_list("student_id", flat=True))
    assert students == {world.student.pk, world.classmate.pk}
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.DRAFT}


def test_a_teacher_cannot_open_a_round(client, world):
    """The form is a leader's: a teacher's post is refused and nothing is made."""
    client.force_login(world.teacher)
    response = client.post(reverse("report_round_list"), {"form": "round", "name": "X"})
    assert response.status_code == 404
    assert not ReportRound.objects.exists()


def test_a_round_with_bad_dates_says_what_to_fix(client, world):
    """Due before it begins: the page says so and nothing is made."""
    client.force_login(world.leader)
    response = client.post(
        reverse("report_round_list"),
        {
            "form": "round",
            "name": "Backwards",
            "period_starts_on": "2026-06-01",
            "due_on": "2026-05-01",
            "classes": [world.classroom.pk],
        },
    )
    assert "Reports go home after the learning they cover begins." in response.content.decode()
    assert not ReportRound.objects.exists()


def test_the_whole_journey_with_the_no_surprises_check(client, world, maths):
    """Written, reflected on, held until a conversation is logged, then published, read and
    answered by whānau."""
    round_ = _open_round(client, world)
    report = round_.reports.get(student=world.student)
    _write(client, world, report, level_name="Working towards expectations", area=maths)

    client.force_login(world.teacher)
    client.post(reverse("report_status", args=[report.pk]), {"action": "reflection"})
    client.force_login(world.student_user)
    page = client.get(reverse("report_reflection", args=[report.pk]))
    assert page.status_code == 200
    client.post(
        reverse("report_reflection", args=[report.pk]), {"text": "I am proud of my reading."}
    )
    report.refresh_from_db()
    assert report.status == Report.Status.READY

    client.force_login(world.teacher)
    held = client.post(reverse("report_publish", args=[report.pk]), follow=True)
    text = held.content.decode()
    assert "Not published" in text
    assert "Working towards expectations in Mathematics" in text
    assert world.link.whanau.name in text
    assert not report.versions.exists()

    conversation = factories.ConversationFactory(
        student=world.student, held_at=timezone.now() - datetime.timedelta(days=1)
    )
    conversation.whanau_attendees.add(world.link.whanau)
    goal = world.goal
    goal.learning_area = maths
    goal.save()
    conversation.goals.add(goal)

    published = client.post(reverse("report_publish", args=[report.pk]), follow=True)
    assert "Published: the family has been sent the report." in published.content.decode()
    assert Notice.objects.filter(kind="report_published", whanau=world.link.whanau).count() == 1

    client.force_login(world.whanau)
    family = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "I am proud of my reading." in family
    assert "Tama has grown in confidence this term." in family
    client.post(
        reverse("report_home_help", args=[report.pk]),
        {"home-text": "We will count the change at the shop together."},
    )
    client.post(
        reverse("report_respond", args=[report.pk]), {"response-text": "Thank you, kaiako."}
    )
    report.refresh_from_db()
    assert report.home_help == "We will count the change at the shop together."
    client.force_login(world.teacher)
    staff = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "We will count the change at the shop together." in staff
    assert "Thank you, kaiako." in staff


def test_publishing_twice_sends_once(client, world, maths):
    """A second press says it had gone home already; one email, one version."""
    round_ = _open_round(client, world)
    report = round_.reports.get(student=world.student)
    _write(client, world, report, level_name="At expectations", area=maths)
    client.post(reverse("report_status", args=[report.pk]), {"action": "ready"})
    client.post(reverse("report_publish", args=[report.pk]))
    again = client.post(reverse("report_publish", args=[report.pk]), follow=True)
    assert "had already gone home" in again.content.decode()
    assert report.versions.count() == 1
    assert Notice.objects.filter(kind="report_published", whanau=world.link.whanau).count() == 1


def test_a_correction_keeps_what_whanau_read_until_it_is_published(client, world, maths):
    """Whānau read version 1 while the teacher corrects; then version 2, and what changed."""
    round_ = _open_round(client, world)
    report = round_.reports.get(student=world.student)
    _write(client, world, report, level_name="At expectations", area=maths)
    client.post(reverse("report_status", args=[report.pk]), {"action": "ready"})
    client.post(reverse("report_publish", args=[report.pk]))
    client.post(
        reverse("report_edit", args=[report.pk]),
        {
            f"area_{maths.pk}": str(AchievementLevel.objects.get(name="At expectations").pk),
            "teacher_comment": "Corrected: a year of steady growth.",
        },
    )
    client.force_login(world.whanau)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Tama has grown in confidence this term." in page
    assert "Corrected" not in page
    client.force_login(world.teacher)
    client.post(reverse("report_status", args=[report.pk]), {"action": "ready"})
    client.post(reverse("report_publish", args=[report.pk]))
    client.force_login(world.whanau)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Corrected: a year of steady growth." in page
    assert "What changed" in page
    assert report.versions.count() == 2


def test_whanau_never_see_an_unpublished_or_another_familys_report(client, world):
    """A draft is a 404 to the family and the student; another family's report too."""
    round_ = _open_round(client, world)
    mine = round_.reports.get(student=world.student)
    theirs = round_.reports.get(student=world.classmate)
    for user in (world.whanau, world.student_user, world.other_whanau):
        client.force_login(user)
        assert client.get(reverse("report_detail", args=[mine.pk])).status_code == 404
    client.force_login(world.whanau)
    assert client.get(reverse("report_detail", args=[theirs.pk])).status_code == 404


def test_a_staff_view_of_a_report_is_audited(client, world):
    """Opening a child's report leaves a "viewed" row in the audit trail."""
    round_ = _open_round(client, world)
    report = round_.reports.get(student=world.student)
    client.force_login(world.teacher)
    client.get(reverse("report_detail", args=[report.pk]))
    assert AuditEvent.objects.filter(
        actor=world.teacher, action=AuditEvent.Action.VIEWED, student=world.student
    ).exists()


def test_forged_choices_change_nothing(client, world, maths):
    """A level id from nowhere is refused with the form's message; the report is unchanged."""
    round_ = _open_round(client, world)
    report = round_.reports.get(student=world.student)
    client.force_login(world.teacher)
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        {f"area_{maths.pk}": "999999", "teacher_comment": "Changed?"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    report.refresh_from_db()
    assert report.teacher_comment == ""


def test_a_class_is_published_in_the_background_and_lists_what_was_held(
    client, world, maths, django_capture_on_commit_callbacks, settings
):
    """The run's page shows progress, then the reports the check held back."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    round_ = _open_round(client, world)
    held = round_.reports.get(student=world.student)
    fine = round_.reports.get(student=world.classmate)
    factories.WhanauLinkFactory(student=world.classmate)
    _write(client, world, held, level_name="Working towards expectations", area=maths)
    _write(client, world, fine, level_name="Beyond expectations", area=maths)
    for report in (held, fine):
        client.post(reverse("report_status", args=[report.pk]), {"action": "ready"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("report_class_publish", args=[round_.pk, world.classroom.pk])
        )
    run = PublishRun.objects.get()
    assert response.url == reverse("publish_run_detail", args=[run.pk])
    page = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "1 report published and sent home." in page
    assert "Held by the no-surprises check" in page
    assert world.student.full_name in page
    assert 'hx-trigger="every 1s"' not in page  # done: no more asking
    fine.refresh_from_db()
    assert fine.is_published
