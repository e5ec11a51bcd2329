"""Issue 13 §6 on the investor platform: a mediator's card carries the hours of the last twelve months against the
roster's training requirement, so the court's confirmation can show them (the court's side:
tests/court/test_roster_training.py); a push and a registry change both send it."""

import datetime as dt
from decimal import Decimal

from registry_fixtures import *  # noqa: F403
from registry_fixtures import decide

from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MediatorCard, MessageType
from sutiao.investor.actions import registry, roster
from sutiao.investor.actions import training as training_actions
from sutiao.investor.models import RegistryStatus, RosterProposal
from sutiao.investor.training import selectors as training
from sutiao.kernel.calendar import china_today


def _card(message_type) -> MediatorCard:
    message = OutboxMessage.objects.filter(type=message_type).order_by("-occurred_at", "-seq").first()
    return MediatorCard.model_validate(message.payload["mediator"])


def test_the_push_carries_the_last_twelve_months_against_the_requirement(
    reg_bureau, reg_org, reg_admin, reg_mediator, reg_supervisor, chaoyang
):
    today = china_today()
    start, end = training.window(today)
    record = training_actions.TrainingData
    training_actions.record_training(
        reg_admin, reg_mediator, record("证券纠纷调解实务", "中国证券业协会", "6", today, "")
    )
    old = start - dt.timedelta(days=1)
    training_actions.record_training(reg_admin, reg_mediator, record("旧课程", "中国证券业协会", "20", old, ""))
    roster.propose_organisation(reg_bureau, reg_org, None)
    decide(RosterProposal.objects.get())
    roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)

    card = _card(MessageType.ROSTER_PROPOSED)
    required = training.current_requirement().hours
    assert card.training is not None
    assert (card.training.hours, card.training.start, card.training.end) == (Decimal("6.0"), start, end)
    assert card.training.required == required and card.training.met is (Decimal("6") >= required)

    registry.set_mediator_status(reg_supervisor, reg_mediator, RegistryStatus.SUSPENDED, "培训未达标")
    assert _card(MessageType.ROSTER_CHANGED).training.hours == Decimal("6.0")


def test_a_course_recorded_later_tells_the_courts_the_mediator_is_pushed_to(
    reg_bureau, reg_org, reg_admin, reg_mediator, reg_supervisor, chaoyang
):
    record = training_actions.TrainingData
    course = record("证券纠纷调解实务", "中国证券业协会", "4", china_today(), "")
    training_actions.record_training(reg_admin, reg_mediator, course)
    assert not OutboxMessage.objects.filter(type=MessageType.ROSTER_CHANGED).exists()  # on no roster: no one to tell

    roster.propose_organisation(reg_bureau, reg_org, None)
    decide(RosterProposal.objects.get())
    roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)
    entry = training_actions.record_training(reg_admin, reg_mediator, course)
    assert _card(MessageType.ROSTER_CHANGED).training.hours == Decimal("8.0")
    training_actions.remove_training(reg_admin, entry, "重复录入")
    assert _card(MessageType.ROSTER_CHANGED).training.hours == Decimal("4.0")
    assert OutboxMessage.objects.filter(type=MessageType.ROSTER_CHANGED).count() == 2
