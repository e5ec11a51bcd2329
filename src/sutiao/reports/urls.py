from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.dashboard, name="reports-dashboard"),
    path("reports/cases/", views.cases, name="reports-cases"),
    path("public/statistics/", views.public_statistics, name="public-statistics"),
    # Quarterly and yearly quality-and-efficiency reports (issue 13 §3).
    path("reports/periodic/", views.periodic_reports, name="report-periodic-list"),
    path("reports/periodic/new/", views.request_periodic_report, name="report-periodic-request"),
    path("reports/periodic/<uuid:report_id>/", views.periodic_report, name="report-periodic"),
    path(
        "reports/periodic/<uuid:report_id>/progress/", views.periodic_report_progress, name="report-periodic-progress"
    ),
    path("reports/periodic/<uuid:report_id>/retry/", views.retry_periodic_report, name="report-periodic-retry"),
    path("reports/periodic/<uuid:report_id>/<slug:kind>/", views.periodic_report_file, name="report-periodic-file"),
    # The joint meeting's figures, both platforms side by side (issue 13 §5).
    path("reports/joint/", views.joint_report, name="report-joint"),
    path("reports/joint/copies/<int:copy_id>/", views.joint_copy, name="report-joint-copy"),
    # Performance evaluation and commendation (issue 13 §4).
    path("reports/evaluation/", views.evaluation_home, name="evaluation-home"),
    path("reports/evaluation/schemes/new/", views.evaluation_scheme_new, name="evaluation-scheme-new"),
    path("reports/evaluation/run/", views.evaluation_run, name="evaluation-run"),
    path("reports/evaluation/<uuid:evaluation_id>/", views.evaluation, name="evaluation"),
    path("reports/evaluation/<uuid:evaluation_id>/commend/", views.evaluation_commend, name="evaluation-commend"),
]
