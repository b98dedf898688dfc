"""The classes pages' URLs."""

from django.urls import path

from partnerships.classes import views

urlpatterns = [
    path("classes/<int:pk>/cards/", views.class_cards, name="class_cards"),
    path("classes/<int:pk>/cards.pdf", views.class_cards_pdf, name="class_cards_pdf"),
    path("classes/<int:pk>/export.csv", views.class_export, name="class_export"),
    path("school/export.csv", views.school_export, name="school_export"),
]
