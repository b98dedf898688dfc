"""The leaders' retention preview."""

from django.urls import path

from partnerships.privacy import retention_views as views

urlpatterns = [
    path("school/privacy/retention/", views.privacy_retention, name="privacy_retention"),
]
