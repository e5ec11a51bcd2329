"""Excel import and export of the registry."""

from django.urls import path

from .views import imports as import_views

urlpatterns = [
    path("", import_views.upload, name="import-upload"),
    path("template/<str:kind>/", import_views.template, name="import-template"),
    path("jobs/<uuid:job_id>/", import_views.job_detail, name="import-job"),
    path("jobs/<uuid:job_id>/progress/", import_views.job_progress, name="import-progress"),
    path("export/organisations/", import_views.export_organisations, name="export-organisations"),
    path("export/mediators/<uuid:organisation_id>/", import_views.export_mediators, name="export-mediators"),
]
