from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnersConfig(AppConfig):
    name = "learners"
    verbose_name = _("Learners")

    def ready(self):
        from learners import (  # noqa: F401
            demo,  # a demo step
            notices,  # its kinds of notice
            panels,  # home panels and what waits for whānau and students
            signals,  # school defaults
        )
        from learners.privacy import consent, corrections, exports, retention  # noqa: F401  privacy hooks
