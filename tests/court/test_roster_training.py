"""Issue 13 §6 on the court: a pushed mediator's training of the last twelve months against the roster's requirement
travels with the mediator's card (MediatorTraining, optional: an older message has none) and the court's
confirmation view shows it — in place of the registry's `training_hours` — with whether the requirement is met."""

import datetime as dt

import pytest
from court_roster_setup import card, mediator_card
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError

from sutiao.court.models import Mediator
from sutiao.docking.schemas import MediatorCard, MessageType
from sutiao.kernel.ids import new_id

END = dt.date(2026, 12, 2)


def training(hours="8.0", required="24.0", end=END):
    met = float(hours) >= float(required)
    return {
        "hours": hours,
        "required": required,
        "start": str(end - dt.timedelta(days=364)),
        "end": str(end),
        "met": met,
    }


@pytest.fixture
def push_mediator(investor, post_message, make_envelope, court, own_key):
    seqs: dict = {}

    def send(mediator_id, org_id, message_type=MessageType.ROSTER_PROPOSED, version=1, **card_fields):
        seqs[mediator_id] = seqs.get(mediator_id, 0) + 1
        mediator = {**mediator_card(mediator_id, org_id, version=version), **card_fields}
        if message_type == MessageType.ROSTER_PROPOSED:
            payload = {
                "proposal_id": str(new_id()),
                "court_id": str(court.pk),
                "court_name": court.name,
                "organisation": card(org_id),
                "mediator": mediator,
                "proposed_by": "中国证监会北京监管局 钱派出",
                "proposed_at": timezone.now().isoformat(),
            }
        else:
            payload = {"organisation": card(org_id), "mediator": mediator, "changed_at": timezone.now().isoformat()}
        message = make_envelope(
            message_type, mediator_id, seqs[mediator_id], payload, "investor-platform", "court-platform"
        )
        response = post_message(message, investor.key)
        assert response.status_code == 200, response.content
        return Mediator.objects.get(pk=mediator_id)

    return send


def _proposal_html(client, admin) -> str:
    client.force_login(admin)
    html = client.get(reverse("roster")).content.decode()
    return html.split('data-testid="pending-proposals"')[1].split('data-testid="adoptions-awaiting-consent"')[0]


def test_the_confirmation_view_shows_the_docked_hours_and_the_shortfall_not_the_registry_figure(
    client, admin, push_mediator
):
    mediator = push_mediator(new_id(), new_id(), training=training("8.0", "24.0"))
    assert (mediator.training_recent_hours, mediator.training_required, mediator.training_met) == (8, 24, False)
    html = _proposal_html(client, admin)
    assert 'data-testid="proposal-training" data-met="0"' in html
    assert "近12个月培训学时 8.0" in html and "名册要求 24.0 学时" in html and "尚差 16.0 学时" in html
    assert "32.0" not in html  # the registry's own training_hours is not shown beside it


def test_a_mediator_meeting_the_requirement_is_shown_so(client, admin, push_mediator):
    push_mediator(new_id(), new_id(), training=training("30.5", "24.0"))
    html = _proposal_html(client, admin)
    assert 'data-met="1"' in html and "已达到培训要求" in html


def test_an_older_message_without_the_figure_is_accepted_and_said_so(client, admin, push_mediator):
    mediator = push_mediator(new_id(), new_id())
    assert mediator.training_end is None
    html = _proposal_html(client, admin)
    assert 'data-testid="proposal-training-missing"' in html and "32.0" not in html


def test_a_later_card_updates_the_figure_even_with_the_same_registry_version_and_an_older_one_does_not(
    push_mediator,
):
    mediator_id, org_id = new_id(), new_id()
    push_mediator(mediator_id, org_id, training=training("8.0", "24.0"))
    changed = MessageType.ROSTER_CHANGED
    later = push_mediator(mediator_id, org_id, changed, training=training("26.0", "24.0", END + dt.timedelta(days=3)))
    assert (later.training_recent_hours, later.training_met, later.training_end) == (26, True, END + dt.timedelta(3))
    older = push_mediator(mediator_id, org_id, changed, training=training("2.0", "24.0", END))
    assert older.training_recent_hours == 26
    without = push_mediator(mediator_id, org_id, changed, version=2)  # an older sender: the figure stays
    assert without.training_recent_hours == 26 and without.registry_version == 2


def test_the_card_refuses_a_figure_that_contradicts_itself():
    base = mediator_card(new_id(), new_id())
    assert MediatorCard.model_validate(base).training is None  # older messages still validate
    with pytest.raises(ValidationError):
        MediatorCard.model_validate({**base, "training": {**training("8.0", "24.0"), "met": True}})
    with pytest.raises(ValidationError):
        MediatorCard.model_validate({**base, "training": {**training(), "start": str(END + dt.timedelta(days=1))}})
