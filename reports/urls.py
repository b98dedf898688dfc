from django.urls import path

from reports import documents, report_views, round_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/students/", views.dashboard_students, name="dashboard_students"),
    path("reports/", round_views.report_round_list, name="report_round_list"),
    path("reports/rounds/<int:pk>/", round_views.report_round_detail, name="report_round_detail"),
    path(
        "reports/rounds/<int:pk>/classes/<int:class_pk>/publish/",
        round_views.report_class_publish,
        name="report_class_publish",
    ),
    path("reports/runs/<int:pk>/", round_views.publish_run_detail, name="publish_run_detail"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/status/", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/publish/", report_views.report_publish, name="report_publish"),
    path("reports/<int:pk>/reflection/", report_views.report_reflection, name="report_reflection"),
    path("reports/<int:pk>/home/", report_views.report_home_help, name="report_home_help"),
    path("reports/<int:pk>/respond/", report_views.report_respond, name="report_respond"),
    path("reports/<int:pk>/print/", documents.report_print, name="report_print"),
    path("reports/<int:pk>/pdf/", documents.report_pdf, name="report_pdf"),
    path(
        "reports/<int:pk>/versions/<int:number>/",
        documents.report_version,
        name="report_version",
    ),
    path("students/<int:pk>/reports/", report_views.student_reports, name="student_reports"),
]
