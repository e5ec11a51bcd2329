"""Reconciliation between the live platforms, after the flows of the other e2e tests."""

from live import wait_for


def reconcile(platform):
    return platform.manage("reconcile", check=False)


def test_platforms_agree_case_by_case_and_a_difference_is_reported(live):
    def quiet():
        result = reconcile(live.court)
        return result.returncode == 0 and "在途消息 0 条，差异 0 处" in result.stdout and result

    agreed = wait_for(quiet, timeout=90, what="both platforms to agree")
    assert "investor-platform: 比对" in agreed.stdout
    assert reconcile(live.investor).returncode == 0

    # Someone changes a delegation's state behind the docking's back on the investor side.
    tamper = (
        "from sutiao.investor.models import Delegation; from sutiao.kernel.workflow import InvestorState; "
        "d = Delegation.objects.filter(state=InvestorState.SUCCEEDED).order_by('received_at').first(); "
        "Delegation.objects.filter(pk=d.pk).update(state=InvestorState.DECLINED, outcome=''); print(d.pk)"
    )
    delegation = live.investor.manage("shell", "-c", tamper).stdout.strip().splitlines()[-1]
    try:
        found = reconcile(live.court)
        assert found.returncode == 1
        assert "[state_mismatch]" in found.stdout and delegation in found.stdout
        assert "本平台为 concluded:succeeded，对方平台为 declined" in found.stdout
    finally:
        restore = (
            "from sutiao.investor.models import Delegation; from sutiao.kernel.workflow import InvestorState; "
            "from sutiao.kernel.enums import MediationOutcome; "
            f"Delegation.objects.filter(pk='{delegation}')"
            ".update(state=InvestorState.SUCCEEDED, outcome=MediationOutcome.SUCCEEDED)"
        )
        live.investor.manage("shell", "-c", restore)
    assert reconcile(live.court).returncode == 0
