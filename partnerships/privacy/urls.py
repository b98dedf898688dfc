"""The privacy pages' URLs, a module per part."""

from django.urls import include, path

urlpatterns = [
    path("", include("partnerships.privacy.notice_urls")),
    path("", include("partnerships.privacy.consent_urls")),
    path("", include("partnerships.privacy.request_urls")),
    path("", include("partnerships.privacy.export_urls")),
    path("", include("partnerships.privacy.retention_urls")),
]
