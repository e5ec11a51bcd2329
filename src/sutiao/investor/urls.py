from django.urls import include, path

from sutiao.accounts import views as account_views
from sutiao.accounts.urls import common_urlpatterns

from .api import api
from .views import agreements, applications, confirmation, mediation, rooms, survey, typical_cases
from .views import delegations as views

urlpatterns = [
    *common_urlpatterns,
    path("", include("sutiao.reports.urls")),
    path("", views.home, name="home"),
    path("delegations/", views.delegation_list, name="delegation-list"),
    path("delegations/<uuid:delegation_id>/", views.delegation_detail, name="delegation-detail"),
    path("delegations/<uuid:delegation_id>/accept/", views.accept, name="delegation-accept"),
    path("delegations/<uuid:delegation_id>/decline/", views.decline, name="delegation-decline"),
    path("delegations/<uuid:delegation_id>/assign/", views.assign, name="delegation-assign"),
    path("delegations/<uuid:delegation_id>/correct-result/", views.correct_result, name="delegation-correct-result"),
    path("delegations/<uuid:delegation_id>/mediation/", mediation.workspace, name="mediation-workspace"),
    path("delegations/<uuid:delegation_id>/mediation/<slug:op>/", mediation.act, name="mediation-act"),
    path(
        "delegations/<uuid:delegation_id>/mediation/evidence/<uuid:evidence_id>/",
        mediation.evidence_download,
        name="mediation-evidence",
    ),
    path("mediations/", mediation.my_mediations, name="mediation-mine"),
    # The mediation's agreement (issue 11): one address for a delegated case and a direct application alike.
    path("mediations/<uuid:mediation_id>/agreement/", agreements.agreement_page, name="agreement"),
    path(
        "mediations/<uuid:mediation_id>/agreement/versions/<uuid:version_id>/pdf/",
        agreements.version_pdf,
        name="agreement-pdf",
    ),
    path(
        "mediations/<uuid:mediation_id>/agreement/signed/<uuid:file_id>/",
        agreements.signed_file,
        name="agreement-signed",
    ),
    path("mediations/<uuid:mediation_id>/agreement/<slug:op>/", agreements.act, name="agreement-act"),
    # The parties' joint application for judicial confirmation of the agreement in force (issue 11 §4).
    path("mediations/<uuid:mediation_id>/confirmation/", confirmation.confirmation_page, name="confirmation"),
    path(
        "mediations/<uuid:mediation_id>/confirmation/<uuid:request_id>/ruling/",
        confirmation.ruling_pdf,
        name="confirmation-ruling",
    ),
    path("mediations/<uuid:mediation_id>/confirmation/<slug:op>/", confirmation.act, name="confirmation-act"),
    path("mediations/join/", mediation.join, name="mediation-join"),
    path("mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/room/", rooms.room, name="mediation-room"),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/attendance/",
        rooms.attendance,
        name="mediation-attendance",
    ),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/room/ticket/",
        rooms.ticket,
        name="mediation-room-ticket",
    ),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/room/recordings/<uuid:recording_id>/",
        rooms.recording_upload,
        name="mediation-recording-upload",
    ),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/room/recordings/<uuid:recording_id>/parts/<int:number>/",
        rooms.recording_part,
        name="mediation-recording-part",
    ),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/room/guests/",
        rooms.invite_guest,
        name="mediation-room-invite",
    ),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/room/guests/<uuid:seat_id>/identity/",
        rooms.check_guest,
        name="mediation-room-guest-identity",
    ),
    path("rooms/guest/<str:token>/", rooms.guest_room, name="mediation-guest-room"),
    path("rooms/guest/<str:token>/ticket/", rooms.guest_ticket, name="mediation-guest-ticket"),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/recordings/<uuid:recording_id>/",
        rooms.recording_file,
        name="mediation-recording",
    ),
    path(
        "mediations/<uuid:mediation_id>/sessions/<uuid:session_id>/recordings/<uuid:recording_id>/agree/",
        rooms.recording_agree,
        name="mediation-recording-agree",
    ),
    # The parties' satisfaction survey once the mediation ended (issue 13 §1).
    path("mediations/<uuid:mediation_id>/survey/", survey.survey_page, name="survey"),
    path("mediations/<uuid:mediation_id>/survey/answer/", survey.answer, name="survey-answer"),
    # Parties open their own accounts on this platform (issue 10 item 1); the court's are opened by its staff.
    path("accounts/sign-up/", account_views.sign_up, name="party-sign-up"),
    path("applications/", applications.application_list, name="application-list"),
    path("applications/new/", applications.apply, name="application-new"),
    path("applications/<uuid:application_id>/", applications.application_detail, name="application-detail"),
    path("applications/<uuid:application_id>/accept/", applications.accept, name="application-accept"),
    path("applications/<uuid:application_id>/decline/", applications.decline, name="application-decline"),
    path("applications/<uuid:application_id>/respond/", applications.respond, name="application-respond"),
    path("applications/<uuid:application_id>/withdraw/", applications.withdraw, name="application-withdraw"),
    path(
        "applications/<uuid:application_id>/respondent-answer/",
        applications.record_respondent_answer,
        name="application-respondent-answer",
    ),
    path("applications/<uuid:application_id>/unreached/", applications.end_unreached, name="application-unreached"),
    path(
        "applications/<uuid:application_id>/evidence/<int:evidence_id>/",
        applications.evidence_file,
        name="application-evidence",
    ),
    # A direct application's mediation: the same workspace as a delegated case's (its id is the application's).
    path("applications/<uuid:delegation_id>/mediation/", mediation.workspace, name="application-mediation"),
    path("applications/<uuid:delegation_id>/mediation/<slug:op>/", mediation.act, name="application-mediation-act"),
    path("registry/", include("sutiao.investor.registry_urls")),
    path("imports/", include("sutiao.investor.import_urls")),
    # Typical cases (issue 13 §7): proposed by an organisation, reviewed, published on a public page.
    path("typical-cases/", typical_cases.typical_case_list, name="typical-cases"),
    path("typical-cases/propose/<uuid:mediation_id>/", typical_cases.propose, name="typical-case-propose"),
    path("typical-cases/<uuid:typical_case_id>/", typical_cases.typical_case, name="typical-case"),
    path("typical-cases/<uuid:typical_case_id>/<slug:op>/", typical_cases.act, name="typical-case-act"),
    path("public/typical-cases/", typical_cases.public_list, name="public-typical-cases"),
    path("public/typical-cases/<uuid:typical_case_id>/", typical_cases.public_case, name="public-typical-case"),
    path("api/v1/", api.urls),
]
