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
        "from sutiao.investor.models import Delegation as D; "
        "d = D.objects.filter(state='succeeded').order_by('received_at').first(); "
        "D.objects.filter(pk=d.pk).update(state='declined', outcome=''); print(d.pk)"
    )
    delegation = live.investor.manage("shell", "-c", tamper).stdout.strip().splitlines()[-1]
    try:
        found = reconcile(live.court)
        assert found.returncode == 1
        assert "[state_mismatch]" in found.stdout and delegation in found.stdout
        assert "本平台为 concluded:succeeded，对方平台为 declined" in found.stdout
    finally:
        restore = (
            "from sutiao.investor.models import Delegation as D; "
            f"D.objects.filter(pk='{delegation}').update(state='succeeded', outcome='succeeded')"
        )
        live.investor.manage("shell", "-c", restore)
    assert reconcile(live.court).returncode == 0
