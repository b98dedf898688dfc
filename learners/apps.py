from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnersConfig(AppConfig):
    name = "learners"
    verbose_name = _("Learners")

    def ready(self):
        from learners import (  # noqa: F401
            demo,  # a demo step
            digests,  # the comment digest's kind of outbox email
            panels,
            signals,  # school defaults
        )
