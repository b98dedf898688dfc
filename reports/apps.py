from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Written reports to whānau, with room for the family's voice."""

    name = "reports"
    verbose_name = _("Reports")
