"""URLs: access and correction requests, asked by anyone of a school and answered by its
privacy officers."""

from django.urls import path

from partnerships.privacy import request_views as views

urlpatterns = [
    path("privacy/requests/", views.privacy_requests, name="privacy_requests"),
    path("privacy/requests/new/", views.privacy_request_new, name="privacy_request_new"),
    path("school/privacy/requests/", views.privacy_requests_school, name="privacy_requests_school"),
    path(
        "school/privacy/requests/<int:pk>/",
        views.privacy_request_detail,
        name="privacy_request_detail",
    ),
]
