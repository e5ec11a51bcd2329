"""The investor platform's docking registrations pass the start-up check (see tests/court/test_docking_hooks.py)."""

from django.core.checks import run_checks
from django.core.management import call_command

from sutiao.docking import hooks
from sutiao.docking.schemas import Side, received_by


def test_the_investor_platforms_real_registrations_pass_the_check():
    assert run_checks(tags=["docking"]) == []
    assert hooks.handled_types() == received_by(Side.INVESTOR)
    call_command("check")
