from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from partnerships import (  # noqa: F401
            invitations,  # the invitation email's kind of outbox email
            panels,  # registers the home page's panels
            sessions,  # how long each sign-in lasts (a user_logged_in receiver)
        )
        from partnerships.privacy import corrections, retention, sections  # noqa: F401  hooks
