"""Pages of the registry: organisations, mediators, versions, oversight, pushes to courts' rosters."""

from django.urls import path

from .views import registry as views
from .views import training

urlpatterns: list = [
    path("", views.index, name="registry-index"),
    path("overview/", views.overview, name="registry-overview"),
    path("campaigns/new/", views.campaign_start, name="registry-campaign-start"),
    path("supervision/", views.supervision, name="registry-supervision"),
    path("proposals/", views.proposals, name="registry-proposals"),
    path("adoption-requests/<uuid:proposal_id>/answer/", views.answer_adoption, name="registry-adoption-answer"),
    path("organisations/", views.organisation_list, name="registry-organisations"),
    path("organisations/new/", views.organisation_create, name="registry-organisation-create"),
    path("organisations/<uuid:organisation_id>/", views.organisation_detail, name="registry-organisation"),
    path("organisations/<uuid:organisation_id>/edit/", views.organisation_edit, name="registry-organisation-edit"),
    path(
        "organisations/<uuid:organisation_id>/status/", views.organisation_status, name="registry-organisation-status"
    ),
    path(
        "organisations/<uuid:organisation_id>/confirm/",
        views.organisation_confirm,
        name="registry-organisation-confirm",
    ),
    path("organisations/<uuid:organisation_id>/push/", views.organisation_push, name="registry-organisation-push"),
    path("organisations/<uuid:organisation_id>/mediators/", views.mediator_list, name="registry-mediators"),
    path("organisations/<uuid:organisation_id>/mediators/new/", views.mediator_create, name="registry-mediator-create"),
    path("mediators/<uuid:mediator_id>/", views.mediator_detail, name="registry-mediator"),
    path("mediators/<uuid:mediator_id>/edit/", views.mediator_edit, name="registry-mediator-edit"),
    path("mediators/<uuid:mediator_id>/status/", views.mediator_status, name="registry-mediator-status"),
    path("mediators/<uuid:mediator_id>/push/", views.mediator_push, name="registry-mediator-push"),
    # Mediators' training (issue 13 §6).
    path("training/", training.requirement, name="training-requirement"),
    path("training/requirement/", training.requirement_set, name="training-requirement-set"),
    path(
        "organisations/<uuid:organisation_id>/training/", training.organisation_training, name="training-organisation"
    ),
    path("mediators/<uuid:mediator_id>/training/new/", training.record_new, name="training-record-new"),
    path("training/records/<uuid:record_id>/edit/", training.record_edit, name="training-record-edit"),
    path("training/records/<uuid:record_id>/remove/", training.record_remove, name="training-record-remove"),
    path("training/records/<uuid:record_id>/certificate/", training.certificate, name="training-certificate"),
]
