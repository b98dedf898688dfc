from django.urls import path

from learners import goal_views, views

urlpatterns = [
    path("students/", views.school_students, name="school_students"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student_edit"),
    path("students/<int:pk>/card/", views.student_card, name="student_card"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("card/", views.card_sign_in, name="card_sign_in"),
    path("card/<str:code>/", views.card_sign_in, name="card_sign_in_qr"),
]

urlpatterns += [
    path("students/<int:pk>/goals/", goal_views.goal_list, name="goal_list"),
    path("students/<int:pk>/goals/new/", goal_views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", goal_views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", goal_views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/agree/", goal_views.goal_agree, name="goal_agree"),
    path("goals/<int:pk>/history/", goal_views.goal_history, name="goal_history"),
    path("goals/<int:pk>/steps/", goal_views.next_step_create, name="next_step_create"),
    path("goals/<int:pk>/evidence/", goal_views.evidence_add, name="evidence_add"),
    path("goals/<int:pk>/comments/", goal_views.comment_post, name="comment_post"),
    path("steps/<int:pk>/", goal_views.next_step_edit, name="next_step_edit"),
    path("steps/<int:pk>/done/", goal_views.next_step_done, name="next_step_done"),
    path("steps/<int:pk>/move/", goal_views.next_step_move, name="next_step_move"),
    path("evidence/<int:pk>/", goal_views.evidence_file, name="evidence_file"),
    path("comments/<int:pk>/edit/", goal_views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", goal_views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", goal_views.comment_hide, name="comment_hide"),
    path("inbox/", goal_views.inbox, name="inbox"),
]
