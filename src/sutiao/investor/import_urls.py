"""Excel import and export of the registry."""

from django.urls import path

from .views import imports

urlpatterns = [
    path("", imports.upload, name="import-upload"),
    path("template/<str:kind>/", imports.template, name="import-template"),
    path("jobs/<uuid:job_id>/", imports.job_detail, name="import-job"),
    path("jobs/<uuid:job_id>/progress/", imports.job_progress, name="import-progress"),
    path("export/organisations/", imports.export_organisations, name="export-organisations"),
    path("export/mediators/<uuid:organisation_id>/", imports.export_mediators, name="export-mediators"),
]
