from django.urls import include, path

from partnerships.views import home, notices, staff, students, two_factor, whanau

urlpatterns = [
    path("", home.home, name="home"),
    path("school/staff/", staff.school_staff, name="school_staff"),
    path("school/whanau/", whanau.school_whanau, name="school_whanau"),
    path("school/households/", whanau.school_households, name="school_households"),
    path("school/two-factor/", two_factor.school_two_factor, name="school_two_factor"),
    path("students/", students.school_students, name="school_students"),
    path("students/<int:pk>/", students.student_detail, name="student_detail"),
    path("students/<int:pk>/edit/", students.student_edit, name="student_edit"),
    path("students/<int:pk>/card/", students.student_card, name="student_card"),
    path("students/<int:pk>/history/", students.student_history, name="student_history"),
    path("students/<int:pk>/whanau/", whanau.student_whanau, name="student_whanau"),
    path(
        "students/<int:pk>/whanau/household/",
        whanau.student_household,
        name="student_household",
    ),
    path(
        "students/<int:pk>/whanau/<int:link_pk>/", whanau.whanau_link_edit, name="whanau_link_edit"
    ),
    path("classes/<int:pk>/", students.class_detail, name="class_detail"),
    path("card/", students.card_sign_in, name="card_sign_in"),
    path("card/<str:code>/", students.card_sign_in, name="card_sign_in_qr"),
    path("invitations/<int:pk>/resend/", staff.invitation_resend, name="invitation_resend"),
    path("invitations/<str:key>/", staff.invitation_accept, name="invitation_accept"),
    path("me/preferences/", whanau.whanau_preferences, name="whanau_preferences"),
    path("me/notices/", notices.notice_settings, name="notice_settings"),
    path("notices/open/<str:token>/", notices.notice_open, name="notice_open"),
    path("students/<int:pk>/told/", notices.student_notices, name="student_notices"),
    path("", include("partnerships.setup.urls")),
    path("", include("partnerships.imports.urls")),
    path("", include("partnerships.classes.urls")),
    path("", include("partnerships.year.urls")),
    path("", include("partnerships.privacy.urls")),
]
