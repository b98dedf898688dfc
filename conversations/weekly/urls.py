from django.urls import path

from conversations.weekly import views

urlpatterns = [
    path("updates/write/", views.weekly_update_write, name="weekly_update_write"),
    path(
        "students/<int:pk>/updates/write/",
        views.weekly_update_write_with,
        name="weekly_update_write_with",
    ),
    path("students/<int:pk>/updates/", views.weekly_update_list, name="weekly_update_list"),
    path("updates/week/", views.weekly_update_week, name="weekly_update_week"),
    path("updates/approve/", views.weekly_update_approve, name="weekly_update_approve"),
    path("updates/<int:pk>/", views.weekly_update_detail, name="weekly_update_detail"),
    path("updates/<int:pk>/answer/", views.weekly_update_answer, name="weekly_update_answer"),
    path("updates/<int:pk>/photo/", views.weekly_update_photo, name="weekly_update_photo"),
    path("updates/read/<str:token>/", views.weekly_update_read, name="weekly_update_read"),
    path(
        "updates/unsubscribe/<str:token>/",
        views.weekly_update_unsubscribe,
        name="weekly_update_unsubscribe",
    ),
]
