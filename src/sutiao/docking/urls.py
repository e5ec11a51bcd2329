from django.urls import path

from . import operations, views

urlpatterns = [
    path("v1/messages", views.messages, name="docking-messages"),
    path("v1/batches", views.batches, name="docking-batches"),
    path("v1/feed", views.feed, name="docking-feed"),
    path("v1/cases", views.cases, name="docking-cases"),
    path("v1/courts", views.courts, name="docking-courts"),
    path("v1/statistics", views.statistics, name="docking-statistics"),
    path("v1/audit-heads", views.audit_heads, name="docking-audit-heads"),
    path("v1/documents/<str:sha256>", views.document, name="docking-document"),
    path("v1/openapi.json", views.openapi, name="docking-openapi"),
    path("operations/", operations.overview, name="docking-operations"),
    path("operations/retry/", operations.retry, name="docking-operations-retry"),
    path("operations/reconcile/<int:peer_id>/", operations.run_reconciliation, name="docking-operations-reconcile"),
    path("operations/resend/<int:run_id>/", operations.resend, name="docking-operations-resend"),
]
