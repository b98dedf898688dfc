"""``manage.py send_weekly_updates``: send the weekly updates that are due, or one school's now."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conversations.weekly import sending
from partnerships import outbox
from partnerships.models import School


class Command(BaseCommand):
    help = (
        "Send every school's weekly updates whose send time has passed (what beat does), "
        "or with --school and --now, one school's week straight away. Each update is written "
        "to the outbox once, and the outbox is then sent at once rather than at its next "
        "sweep. Never sends twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", help="The school's exact name.")
        parser.add_argument(
            "--now", action="store_true", help="Send this week's ready updates now."
        )

    def handle(self, *args, school: str | None, now: bool, **options):
        if now:
            if not school:
                raise CommandError("--now needs --school with the school's exact name.")
            found = School.objects.filter(name=school).first()
            if found is None:
                raise CommandError(f"No school is called {school!r}.")
            pairs = [(found.pk, found.week_of(timezone.now()))]
        else:
            pairs = sending.due_school_weeks()
        for school_id, week in pairs:
            written = sending.week_send(school_id=school_id, week=week)
            self.stdout.write(
                f"School {school_id}, week of {week}: {written} to send."
                if written
                else f"School {school_id}, week of {week}: nothing new to send."
            )
        if not pairs:
            return
        # Whatever else is due goes too: the outbox sends rows, not schools.
        result = outbox.send_due()
        self.stdout.write(
            f"Outbox: {result.sent} sent, {result.failed} failed, "
            f"{result.retrying} to try again later, {result.skipped} no longer to send."
        )
        if result.unreachable:
            self.stderr.write(
                "The mail server could not be reached: the rest go at the outbox's next sweep."
            )
