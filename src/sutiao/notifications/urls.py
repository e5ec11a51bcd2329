from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="notifications"),
    path("<int:notification_id>/open/", views.open_notification, name="notification-open"),
    path("read-all/", views.read_all, name="notifications-read-all"),
    path("served/<uuid:service_id>/", views.served_document, name="served-document"),
    path("served/<uuid:service_id>/file/", views.served_document_file, name="served-document-file"),
    path("service-consent/", views.service_consent, name="service-consent"),
]
