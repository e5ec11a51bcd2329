from django.urls import path

from sutiao.accounts.urls import common_urlpatterns

from . import views
from .api import api

urlpatterns = [
    *common_urlpatterns,
    path("", views.home, name="home"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/ask-consent/", views.ask_consent, name="case-ask-consent"),
    path("cases/<uuid:case_id>/consent/", views.record_consent, name="case-consent"),
    path("cases/<uuid:case_id>/delegate/", views.delegate, name="case-delegate"),
    path("cases/<uuid:case_id>/recall/", views.recall, name="case-recall"),
    path("cases/<uuid:case_id>/back-to-court/", views.send_back, name="case-back-to-court"),
    path("api/v1/", api.urls),
]
