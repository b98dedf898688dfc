"""The privacy notice and the leaders' privacy settings."""

from django.urls import path

from partnerships.privacy import notice_views as views

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("privacy/s/<str:token>/", views.privacy_notice_public, name="privacy_notice_public"),
    path("privacy/read/", views.privacy_notice_read, name="privacy_notice_read"),
    path("school/privacy/", views.privacy_settings, name="privacy_settings"),
]
