from django.utils import timezone

from sutiao.accounts.models import User
from sutiao.docking.models import OutboxMessage, OutboxStatus


def test_operators_see_parked_messages_and_send_them_again(operator_client, delegated):
    client = operator_client
    OutboxMessage.objects.update(status=OutboxStatus.PARKED, attempts=12, last_error="HTTP 503")
    page = client.get("/docking/operations/").content.decode()
    assert 'data-testid="parked-count">1<' in page and "HTTP 503" in page
    message = OutboxMessage.objects.get()
    response = client.post("/docking/operations/retry/", {"message": [str(message.pk)]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert message.next_attempt_at <= timezone.now()


def test_the_page_is_for_operators_only(client, staff, delegated):
    client.force_login(staff)  # court filing staff are not platform operators
    assert client.get("/docking/operations/").status_code == 302
    assert client.post("/docking/operations/retry/", {"message": []}).status_code == 302


def test_operators_need_their_second_factor(client, delegated):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    operator = User.objects.create_user("op2", password="x-long-password", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=operator, name="phone")
    client.post("/accounts/login/", {"username": "op2", "password": "x-long-password"})  # the password alone
    assert client.get("/docking/operations/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302
    client.logout()
    wrong = client.post(
        "/admin/login/",
        {"username": "op2", "password": "x-long-password", "otp_device": device.persistent_id, "otp_token": "000000"},
    )
    assert wrong.status_code == 200 and not wrong.wsgi_request.user.is_authenticated
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; the operator waited
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    right = client.post(
        "/admin/login/?next=/docking/operations/",
        {
            "username": "op2",
            "password": "x-long-password",
            "otp_device": device.persistent_id,
            "otp_token": code,
            "next": "/docking/operations/",
        },
    )
    assert right.status_code == 302
    assert client.get("/docking/operations/").status_code == 200
