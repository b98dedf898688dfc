from django.urls import path

from conversations import views

urlpatterns = [
    path("students/<int:pk>/conversations/", views.conversation_list, name="conversation_list"),
    path(
        "students/<int:pk>/conversations/new/",
        views.conversation_create,
        name="conversation_create",
    ),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/edit/", views.conversation_edit, name="conversation_edit"),
    path(
        "conversations/<int:pk>/goals/new/",
        views.conversation_goal_create,
        name="conversation_goal_create",
    ),
    path(
        "conversations/<int:pk>/goals/<int:goal_pk>/steps/",
        views.conversation_step_create,
        name="conversation_step_create",
    ),
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
]
