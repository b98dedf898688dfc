"""``manage.py seed_demo``: fictional demo data, and the logins to try it with.

The ground floor builds the schools, people and logins; each app above adds its part for
the demo school as a step registered in ``partnerships.demo.STEPS`` (goals, conversations,
weekly updates), so this command names no app above it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnerships import demo
from partnerships.models import School


class Command(BaseCommand):
    help = (
        f"Add fictional demo data ({demo.DEMO_SCHOOL}) and print demo logins. "
        "Demo data only: never on a database real people use. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1, help="Number of schools (default 1).")
        parser.add_argument(
            "--students", type=int, default=60, help="Students per school (default 60)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too (a benchmark database, never a real one).",
        )

    def handle(self, *args, schools: int, students: int, force: bool, **options):
        # The demo staff share a published password: keep them off real databases.
        if settings.SETTINGS_MODULE.endswith(".production") and not force:
            raise CommandError(
                "seed_demo makes accounts with a published password; it will not run under "
                "production settings without --force."
            )
        try:
            result = demo.seed(schools=schools, students=students)
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        for line in result.lines:
            self.stdout.write(line)
        # The apps' steps for the demo school only: benchmark schools don't need them.
        school = School.objects.filter(name=demo.DEMO_SCHOOL).order_by("pk").first()
        if school is not None:
            for line in demo.STEPS.run(school):
                self.stdout.write(line)
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if result.logins:
            self.stdout.write("")
            self.stdout.write(f"Demo logins ({demo.DEMO_SCHOOL}) — demo data only:")
            for role, who, how in result.logins:
                self.stdout.write(f"  {role:<9}{who:<25}{how}")
