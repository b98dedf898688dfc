from django.urls import path

from conversations.views import bookings, calendar_views, records, rounds, schedules

urlpatterns = [
    path("students/<int:pk>/conversations/", records.conversation_list, name="conversation_list"),
    path(
        "students/<int:pk>/conversations/new/",
        records.conversation_create,
        name="conversation_create",
    ),
    path("conversations/<int:pk>/", records.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/edit/", records.conversation_edit, name="conversation_edit"),
    path(
        "conversations/<int:pk>/goals/new/",
        records.conversation_goal_create,
        name="conversation_goal_create",
    ),
    path(
        "conversations/<int:pk>/goals/<int:goal_pk>/steps/",
        records.conversation_step_create,
        name="conversation_step_create",
    ),
    path("conversations/<int:pk>/reflect/", records.reflection_add, name="reflection_add"),
    path("conversations/transitions/", records.transitions, name="transitions"),
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/book/", bookings.round_book, name="round_book"),
    path("rounds/<int:pk>/schedule/", schedules.round_schedule, name="round_schedule"),
    path("rounds/<int:pk>/print/", schedules.round_door_lists, name="round_door_lists"),
    path("rounds/<int:pk>/not-booked/", schedules.round_not_booked, name="round_not_booked"),
    path("requests/<int:pk>/answer/", rounds.time_request_answer, name="time_request_answer"),
    path("times/<int:pk>/book/<int:student_pk>/", bookings.slot_book, name="slot_book"),
    path("bookings/", bookings.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", bookings.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path(
        "bookings/<int:pk>/calendar.ics",
        calendar_views.booking_calendar,
        name="booking_calendar",
    ),
]
