"""Opening a round of reports is audited by its service, on the school."""

import datetime

from django.utils import timezone

from partnerships.models import AuditEvent
from reports import services


def test_opening_a_round_of_reports_is_audited(world):
    """One "created" row on the school, by the leader, naming the round."""
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name="Mid-year 2026",
        period_starts_on=timezone.localdate() - datetime.timedelta(days=90),
        due_on=timezone.localdate(),
        classes=[world.classroom],
    )
    (event,) = AuditEvent.objects.filter(object_type="reports.reportround", object_id=round_.pk)
    assert (event.action, event.actor, event.school, event.student) == (
        AuditEvent.Action.CREATED,
        world.leader,
        world.school,
        None,
    )
    assert "Mid-year 2026" in event.summary
