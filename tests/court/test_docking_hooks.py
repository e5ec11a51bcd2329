"""Docking hooks are registered by message type, and the start-up check (a Django system check, run by
`check`, `serve` and every management command) holds each platform to the types it receives."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from sutiao.docking import hooks
from sutiao.docking.schemas import MessageType, Side, received_by, sent_by


def docking_errors():
    return [(e.id, e.msg) for e in run_checks(tags=["docking"])]


def test_every_message_type_says_who_sends_it_and_each_is_received_by_the_other_side():
    assert received_by(Side.COURT) | received_by(Side.INVESTOR) == set(MessageType)
    assert received_by(Side.COURT) == sent_by(Side.INVESTOR)
    assert MessageType.DELEGATE in received_by(Side.INVESTOR) and MessageType.DELEGATION_ANSWER in received_by(
        Side.COURT
    )


@pytest.mark.parametrize("register", [hooks.handles, hooks.on_delivered, hooks.on_parked])
def test_an_unknown_message_type_is_refused_at_registration(register):
    with pytest.raises(TypeError, match="MessageType"):
        register("DELEGATION_ANSWR")
    with pytest.raises(TypeError):
        register("DELEGATION_ANSWER")  # a bare string, even a right one: the enum is the key


def test_the_court_platforms_real_registrations_pass_the_check():
    assert docking_errors() == []
    assert hooks.handled_types() == received_by(Side.COURT)
    call_command("check")


def test_a_received_type_without_a_handler_fails_the_start_up_check(monkeypatch):
    monkeypatch.delitem(hooks._handlers, MessageType.MEDIATION_RESULT)
    assert docking_errors() == [
        ("docking.E001", "the court platform receives MEDIATION_RESULT messages but registers no handler for them")
    ]
    with pytest.raises(SystemCheckError, match="MEDIATION_RESULT"):
        call_command("check")


def test_a_handler_for_a_type_the_platform_does_not_receive_fails_the_check(monkeypatch):
    monkeypatch.setitem(hooks._handlers, MessageType.DELEGATE, lambda items: None)
    monkeypatch.setitem(hooks._delivery_hooks, MessageType.DELEGATION_ANSWER, lambda receipts: None)
    assert docking_errors() == [
        ("docking.E002", "the court platform registers a handler for DELEGATE, a type it does not receive"),
        (
            "docking.E003",
            "the court platform registers a delivery or parked hook for DELEGATION_ANSWER, a type it does not send",
        ),
    ]
