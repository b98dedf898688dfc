"""The year pages' URLs."""

from django.urls import path

from partnerships.year import views

urlpatterns = [
    path("students/<int:pk>/leave/", views.student_leave, name="student_leave"),
    path("students/<int:pk>/return/", views.student_return, name="student_return"),
    path("school/year/", views.year_rollover, name="year_rollover"),
]
