from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Partnership dashboards for leaders and teachers, and written reports to whānau."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import demo, demo_notices, demo_reports, notices, panels  # noqa: F401
        from reports.privacy import exports, retention  # noqa: F401  privacy hooks
