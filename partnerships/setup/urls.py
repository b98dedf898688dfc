"""The setup pages' URLs."""

from django.urls import path

from partnerships.setup import views

urlpatterns = [
    path("school/settings/", views.school_settings, name="school_settings"),
    path("school/terms/", views.school_terms, name="school_terms"),
    path("school/terms/<int:pk>/", views.term_edit, name="term_edit"),
    path("school/terms/<int:pk>/delete/", views.term_delete, name="term_delete"),
    path("school/switch/", views.school_switch, name="school_switch"),
    path("school/staff/<int:pk>/leave/", views.staff_leave, name="staff_leave"),
    path("school/staff/<int:pk>/restore/", views.staff_restore, name="staff_restore"),
]
