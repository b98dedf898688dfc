from django.urls import path

from partnerships import views

urlpatterns = [
    path("", views.home, name="home"),
    path("school/staff/", views.school_staff, name="school_staff"),
    path("school/whanau/", views.school_whanau, name="school_whanau"),
    path("students/<int:pk>/whanau/", views.student_whanau, name="student_whanau"),
    path(
        "students/<int:pk>/whanau/<int:link_pk>/", views.whanau_link_edit, name="whanau_link_edit"
    ),
    path("students/<int:pk>/history/", views.student_history, name="student_history"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<str:key>/", views.invitation_accept, name="invitation_accept"),
    path("me/preferences/", views.whanau_preferences, name="whanau_preferences"),
]
