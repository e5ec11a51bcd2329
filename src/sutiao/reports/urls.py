from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.dashboard, name="reports-dashboard"),
    path("reports/cases/", views.cases, name="reports-cases"),
    path("public/statistics/", views.public_statistics, name="public-statistics"),
]
