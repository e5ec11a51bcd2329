from django.urls import path

from . import views

urlpatterns = [
    path("v1/messages", views.messages, name="docking-messages"),
    path("v1/batches", views.batches, name="docking-batches"),
    path("v1/feed", views.feed, name="docking-feed"),
    path("v1/openapi.json", views.openapi, name="docking-openapi"),
]
