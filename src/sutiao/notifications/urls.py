from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="notifications"),
    path("<int:notification_id>/open/", views.open_notification, name="notification-open"),
    path("read-all/", views.read_all, name="notifications-read-all"),
]
