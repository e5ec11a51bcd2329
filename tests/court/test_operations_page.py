from django.utils import timezone

from sutiao.accounts.models import User
from sutiao.docking.models import OutboxMessage, OutboxStatus


def test_operators_see_parked_messages_and_send_them_again(client, delegated):
    OutboxMessage.objects.update(status=OutboxStatus.PARKED, attempts=12, last_error="HTTP 503")
    operator = User.objects.create_user("op", password="x-long-password", is_staff=True)
    client.force_login(operator)
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
