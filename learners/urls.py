from django.urls import path

from learners import evidence_views, inbox, inquiry_views, views

urlpatterns = [
    path("students/<int:pk>/goals/", views.goal_list, name="goal_list"),
    path("students/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/agree/", views.goal_agree, name="goal_agree"),
    path("goals/<int:pk>/history/", views.goal_history, name="goal_history"),
    path("goals/<int:pk>/steps/", views.next_step_create, name="next_step_create"),
    path("goals/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("goals/<int:pk>/comments/", views.comment_post, name="comment_post"),
    path("steps/<int:pk>/", views.next_step_edit, name="next_step_edit"),
    path("steps/<int:pk>/done/", views.next_step_done, name="next_step_done"),
    path("steps/<int:pk>/move/", views.next_step_move, name="next_step_move"),
    path("evidence/<int:pk>/", evidence_views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/confirm/", evidence_views.evidence_confirm, name="evidence_confirm"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("inbox/", inbox.inbox, name="inbox"),
    path(
        "students/<int:student_id>/inquiry/",
        inquiry_views.inquiry_detail,
        name="inquiry_detail",
    ),
]
