from django.urls import include, path

from sutiao.accounts.urls import common_urlpatterns

from . import document_views, party_views, views
from .api import api
from .confirmation import views as confirmation_views

urlpatterns = [
    *common_urlpatterns,
    path("", include("sutiao.reports.urls")),
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/ask-consent/", views.ask_consent, name="case-ask-consent"),
    path("cases/<uuid:case_id>/consent/", views.record_consent, name="case-consent"),
    path("cases/<uuid:case_id>/joint-choice/", views.joint_choice, name="case-joint-choice"),
    path("cases/<uuid:case_id>/appointment-request/", views.appointment_request, name="case-appointment-request"),
    path("cases/<uuid:case_id>/delegate/", views.delegate, name="case-delegate"),
    path("cases/<uuid:case_id>/recall/", views.recall, name="case-recall"),
    path("cases/<uuid:case_id>/back-to-court/", views.send_back, name="case-back-to-court"),
    path("cases/<uuid:case_id>/correct/", views.case_correct, name="case-correct"),
    path("cases/<uuid:case_id>/void/", views.case_void, name="case-void"),
    path("cases/<uuid:case_id>/judge/", document_views.assign_judge, name="case-judge"),
    path("cases/<uuid:case_id>/mediation-document/", document_views.document_file, name="case-document"),
    path("cases/<uuid:case_id>/mediation-document/issue/", document_views.issue_document, name="case-document-issue"),
    path(
        "cases/<uuid:case_id>/mediation-document/refusal/",
        document_views.document_refusal,
        name="case-document-refusal",
    ),
    path("cases/<uuid:case_id>/service/consent/", document_views.case_service_consent, name="case-service-consent"),
    path(
        "cases/<uuid:case_id>/service/other-means/",
        document_views.case_service_other_means,
        name="case-service-other-means",
    ),
    path(
        "confirmations/<uuid:application_id>/service/consent/",
        document_views.confirmation_service_consent,
        name="confirmation-service-consent",
    ),
    path(
        "confirmations/<uuid:application_id>/service/other-means/",
        document_views.confirmation_service_other_means,
        name="confirmation-service-other-means",
    ),
    path(
        "my/cases/<uuid:case_id>/parties/<int:party_id>/mediation-document/",
        document_views.party_document_receipt,
        name="party-document-receipt",
    ),
    path("confirmations/", confirmation_views.application_list, name="confirmation-list"),
    path("confirmations/new/", confirmation_views.application_new, name="confirmation-new"),
    path("confirmations/<uuid:application_id>/", confirmation_views.application_detail, name="confirmation-detail"),
    path("confirmations/<uuid:application_id>/agreement/", confirmation_views.agreement, name="confirmation-agreement"),
    path("confirmations/<uuid:application_id>/ruling/", confirmation_views.ruling, name="confirmation-ruling"),
    path("confirmations/<uuid:application_id>/accept/", confirmation_views.accept, name="confirmation-accept"),
    path(
        "confirmations/<uuid:application_id>/not-accept/", confirmation_views.not_accept, name="confirmation-not-accept"
    ),
    path(
        "confirmations/<uuid:application_id>/material/",
        confirmation_views.request_material,
        name="confirmation-material",
    ),
    path(
        "confirmations/<uuid:application_id>/material/<int:request_id>/answered/",
        confirmation_views.material_answered,
        name="confirmation-material-answered",
    ),
    path("confirmations/<uuid:application_id>/extend/", confirmation_views.extend, name="confirmation-extend"),
    path("confirmations/<uuid:application_id>/rule/", confirmation_views.rule, name="confirmation-rule"),
    path("confirmations/<uuid:application_id>/withdraw/", confirmation_views.withdraw, name="confirmation-withdraw"),
    path("my/confirmations/", confirmation_views.party_applications, name="party-confirmations"),
    path(
        "my/confirmations/<uuid:application_id>/",
        confirmation_views.party_application,
        name="party-confirmation",
    ),
    path(
        "my/confirmations/<uuid:application_id>/ruling/",
        confirmation_views.party_ruling,
        name="party-confirmation-ruling",
    ),
    path("roster/", views.roster, name="roster"),
    path("roster/export.xlsx", views.roster_export, name="roster-export"),
    path("roster/entries/<int:entry_id>/remove/", views.remove_entry, name="roster-remove"),
    path("roster/entries/<int:entry_id>/request-adoption/", views.request_adoption, name="roster-request-adoption"),
    path("roster/entries/<int:entry_id>/certificate/", views.roster_certificate, name="roster-certificate"),
    path("roster/proposals/<uuid:proposal_id>/confirm/", views.confirm_proposal, name="roster-confirm"),
    path("roster/proposals/<uuid:proposal_id>/reject/", views.reject_proposal, name="roster-reject"),
    path("public/roster/", views.public_roster, name="public-roster"),
    path("public/roster/<uuid:court_id>/", views.public_roster, name="public-roster-court"),
    path("public/certificates/<str:code>/", views.public_certificate, name="public-certificate"),
    path("consent/<str:token>/", party_views.consent_link, name="consent-link"),
    path("my/cases/", party_views.party_cases, name="party-cases"),
    path("my/cases/<uuid:case_id>/", party_views.party_case, name="party-case"),
    path("my/cases/<uuid:case_id>/consent/<int:party_id>/", party_views.party_consent, name="party-consent"),
    path("my/cases/<uuid:case_id>/choose/<int:party_id>/", party_views.party_choose, name="party-choose"),
    path("api/v1/", api.urls),
]
