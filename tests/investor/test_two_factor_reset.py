"""A lost authenticator on the investor platform (issue 14 §10): an organisation's administrator resets the
second factor of that organisation's staff (its mediators), the Investor Protection Bureau anyone's but the
operator's; nobody reaches another organisation's staff."""

import pytest
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from sutiao.accounts import two_factor
from sutiao.audit.models import AuditRecord

REASON = "手机遗失，已电话核实本人"


def _url(user):
    return f"/accounts/staff/{user.pk}/second-factor/reset/"


def test_an_organisation_admin_resets_their_mediators_and_nobody_elses(client, admin_a, mediator_a, mediator_b):
    for user in (mediator_a, mediator_b):
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(admin_a)
    listed = client.get("/accounts/staff/second-factor/").content.decode()
    assert f'data-testid="reset-{mediator_a.username}"' in listed
    assert f'data-testid="reset-{mediator_b.username}"' not in listed
    assert client.post(_url(mediator_b), {"reason": REASON}).status_code == 404
    with pytest.raises(PermissionDenied):
        two_factor.reset_second_factor(admin_a, mediator_b, REASON)
    assert TOTPDevice.objects.filter(user=mediator_b).exists()
    assert client.post(_url(mediator_a), {"reason": REASON}).status_code == 302
    assert not TOTPDevice.objects.filter(user=mediator_a).exists()
    assert AuditRecord.objects.filter(action="account.two_factor_reset", object_id=str(mediator_a.pk)).count() == 1


def test_the_bureau_resets_an_organisation_admin(client, bureau_user, admin_a, admin_b):
    TOTPDevice.objects.create(user=admin_b, name="phone", confirmed=True)
    assert not two_factor.may_reset(admin_a, admin_b)  # another organisation's admin
    client.force_login(bureau_user)
    assert client.post(_url(admin_b), {"reason": REASON}).status_code == 302
    assert not TOTPDevice.objects.filter(user=admin_b).exists()
    entry = AuditRecord.objects.get(action="account.two_factor_reset")
    assert entry.actor_id == str(bureau_user.pk) and entry.before == {
        "authenticators": 1,
        "passkeys": 0,
        "recovery_codes": 0,
    }
