"""The exports' URLs: a download for the person an export is for, a leader's school export."""

from django.urls import path

from partnerships.privacy import export_views as views

urlpatterns = [
    path(
        "privacy/exports/<int:pk>/download/",
        views.privacy_export_download,
        name="privacy_export_download",
    ),
    path("school/privacy/export/", views.privacy_school_export, name="privacy_school_export"),
]
