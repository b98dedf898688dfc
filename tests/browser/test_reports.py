"""In a real browser: a teacher publishes a class and watches it go; whānau read the report
and write how they will help at home."""

import datetime
import re

import pytest
from django.utils import timezone

from learners.models import LearningArea
from reports import publishing, services
from reports.models import AchievementLevel, PublishRun, Report
from tests.browser.signing import sign_in_with_code, sign_in_with_password, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ready_class(world) -> None:
    """A round over the world's class, each report written and ready to go home."""
    today = timezone.localdate()
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name="End of year",
        period_starts_on=today - datetime.timedelta(days=60),
        due_on=today + datetime.timedelta(days=7),
        classes=[world.classroom],
    )
    area = LearningArea.objects.create(school=world.school, name="Mathematics")
    level = AchievementLevel.objects.get(school=world.school, name="At expectations")
    for report in Report.objects.filter(round=round_):
        services.report_save(
            actor=world.teacher,
            report=report,
            teacher_comment=f"{report.student.display_name} has grown in confidence.",
            support_note="",
            judgements={area.pk: {"level": level.pk, "comment": ""}},
            dispositions={},
        )
        services.report_mark_ready(actor=world.teacher, report=report)


def test_a_class_goes_home_and_whanau_write_their_part(page, live_server, world, monkeypatch):
    """The progress bar fills as the worker publishes; whānau then write their part."""
    _ready_class(world)
    # The worker has not started yet: the test moves the run along, as a worker would.
    monkeypatch.setattr(publishing, "_enqueue", lambda run_id: None)
    sign_in_with_password(page, live_server.url, world.teacher.email)
    page.goto(live_server.url + "/reports/")
    page.get_by_role("link", name="End of year").click()
    page.get_by_role("button", name=re.compile("Publish .* ready reports")).click()
    page.get_by_text("0 of 2 looked at").wait_for()

    publishing.publish_run_continue(PublishRun.objects.get().pk)
    # htmx asked again; the live region reads the same words out, so look in the progress area.
    progress = page.locator("#run-progress")
    progress.get_by_text("2 reports published and sent home.").wait_for()
    progress.get_by_text("Done.").wait_for()
    page.goto(live_server.url + "/")  # away from a page that was asking again each second
    sign_out(page)

    sign_in_with_code(page, live_server.url, world.whanau.email)
    page.get_by_role("region", name="Waiting for you").get_by_role(
        "link", name="Read and write"
    ).click()
    page.get_by_text(f"{world.student.display_name} has grown in confidence.").wait_for()
    page.get_by_role("textbox", name=re.compile("How you can help at home")).fill(
        "We will bake and measure together."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: your teacher can read what you will do at home.").wait_for()
    report = Report.objects.get(student=world.student)
    assert report.home_help == "We will bake and measure together."
