"""The mediation organisation's people during the chaos run, as a process of their own on the investor
platform: accept every delegation received, assign a mediator, record success — until `expected` are done."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.investor")
django.setup()

from django.db import OperationalError  # noqa: E402

from sutiao.accounts.models import User  # noqa: E402
from sutiao.investor.actions import delegations as actions  # noqa: E402
from sutiao.investor.models import Delegation  # noqa: E402
from sutiao.kernel.enums import MediationOutcome  # noqa: E402
from sutiao.kernel.errors import DomainError  # noqa: E402
from sutiao.kernel.workflow import InvestorState  # noqa: E402

expected = int(sys.argv[1])
admin = User.objects.get(username="org1_admin")
mediator = User.objects.get(username="org1_mediator1")
steps = [
    (InvestorState.RECEIVED, lambda d: actions.accept_delegation(admin, d)),
    (InvestorState.ACCEPTED, lambda d: actions.assign_mediator(admin, d, mediator)),
    (
        InvestorState.MEDIATING,
        lambda d: actions.record_result(mediator, d, MediationOutcome.SUCCEEDED, terms="被申请人赔偿申请人损失。"),
    ),
]
while Delegation.objects.filter(organisation=admin.institution, state=InvestorState.SUCCEEDED).count() < expected:
    worked = 0
    for state, act in steps:
        for delegation in Delegation.objects.filter(organisation=admin.institution, state=state)[:500]:
            try:
                act(delegation)
                worked += 1
            except (DomainError, OperationalError):
                pass  # moved on meanwhile (recalled), or the database was busy: next round
    if not worked:
        time.sleep(0.2)
