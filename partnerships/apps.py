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
        from partnerships.privacy import (  # noqa: F401
            corrections,  # hooks
            demo,  # a demo step: an open privacy request
            requests,  # the privacy requests' kinds of outbox email
            retention_hooks,  # hooks
            sections,  # hooks
        )
