from django.urls import path

from conversations import update_views, views

urlpatterns = [
    path("students/<int:pk>/conversations/", views.conversation_list, name="conversation_list"),
    path(
        "students/<int:pk>/conversations/new/",
        views.conversation_create,
        name="conversation_create",
    ),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/edit/", views.conversation_edit, name="conversation_edit"),
    path("conversations/<int:pk>/reflect/", views.reflection_add, name="reflection_add"),
    path("conversations/transitions/", views.transitions, name="transitions"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/book/", views.round_book, name="round_book"),
    path("requests/<int:pk>/answer/", views.time_request_answer, name="time_request_answer"),
    path("times/<int:pk>/book/<int:student_pk>/", views.slot_book, name="slot_book"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("updates/write/", update_views.update_write, name="update_write"),
    path(
        "students/<int:pk>/updates/write/",
        update_views.update_write_with,
        name="update_write_with",
    ),
    path("students/<int:pk>/updates/", update_views.update_list, name="update_list"),
    path("updates/week/", update_views.update_week, name="update_week"),
    path("updates/approve/", update_views.update_approve, name="update_approve"),
    path("updates/<int:pk>/", update_views.update_detail, name="update_detail"),
    path("updates/<int:pk>/photo/", update_views.update_photo, name="update_photo"),
    path("updates/read/<str:token>/", update_views.update_read, name="update_read"),
    path(
        "updates/unsubscribe/<str:token>/",
        update_views.update_unsubscribe,
        name="update_unsubscribe",
    ),
]
