"""The imports pages' URLs."""

from django.urls import path

from partnerships.imports import views

urlpatterns = [
    path("school/import/", views.import_start, name="import_start"),
    path("school/import/<int:pk>/", views.import_map, name="import_map"),
    path("school/import/<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("school/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("school/import/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("school/import/<int:pk>/resume/", views.import_resume, name="import_resume"),
    path(
        "school/import/presets/<int:pk>/delete/",
        views.import_preset_delete,
        name="import_preset_delete",
    ),
]
