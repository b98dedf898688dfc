from django.urls import path

from learners import views

urlpatterns = [
    path("students/", views.school_students, name="school_students"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student_edit"),
    path("students/<int:pk>/card/", views.student_card, name="student_card"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("card/", views.card_sign_in, name="card_sign_in"),
    path("card/<str:code>/", views.card_sign_in, name="card_sign_in_qr"),
]
