"""``manage.py start_school --name "…" --leader-email …``: for whoever runs the service, a new
school and an invitation for its first leader, who sets the rest up from the school's pages.

The invitation is emailed through the outbox as any other; the link is printed too, for a
leader whose email is slow to arrive (it works once, for the invitation's lifetime).
"""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from partnerships import invitations, mail
from partnerships.models import OutboxEmail, School, Staff
from partnerships.setup.forms import FIRST_ZONE


class Command(BaseCommand):
    help = "Make a school and invite its first leader."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The school's name.")
        parser.add_argument("--leader-email", required=True, help="Its first leader's email.")
        parser.add_argument("--leader-name", default="", help="Its first leader's name.")
        parser.add_argument(
            "--timezone", default=FIRST_ZONE, help=f"The school's time zone (default {FIRST_ZONE})."
        )

    def handle(self, *args, name, leader_email, leader_name, timezone, **options):
        name = name.strip()
        email = leader_email.strip().lower()
        if not name:
            raise CommandError("Give the school a name.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"“{leader_email}” is not an email address.") from error
        if timezone not in zoneinfo.available_timezones():
            raise CommandError(f"“{timezone}” is not a time zone we know (e.g. {FIRST_ZONE}).")
        with transaction.atomic():
            if School.objects.filter(name__iexact=name).exists():
                raise CommandError(f"A school called “{name}” already exists. Nothing was made.")
            school = School.objects.create(name=name, timezone=timezone)
            invitation = invitations.invitation_create_staff(
                school=school,
                email=email,
                name=leader_name.strip() or email,
                role=Staff.Role.LEADER,
                by=None,
            )
            # The key is kept only in its email until it is sent: read it from there.
            params = (
                OutboxEmail.objects.filter(
                    kind=invitations.INVITATION, params__invitation=invitation.pk
                )
                .values_list("params", flat=True)
                .get()
            )
        link = mail.absolute_url(reverse("invitation_accept", args=[params["key"]]))
        self.stdout.write(f"Made {school.name} (id {school.pk}).")
        self.stdout.write(f"Invited {email} to lead it; the invitation is on its way by email.")
        self.stdout.write(f"Their link, if the email is slow: {link}")
