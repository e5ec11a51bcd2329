"""The court's ruling served on the parties on the investor platform when it arrives (issue 11 §6; LEGAL-RULES L16):
a party who consented to electronic service is served to their platform inbox with an SMS notice, the proof kept
(time, channels, content hash) and shown on the confirmation page; a party without consent is marked for service by
other means; opening the served document, or the ruling from the confirmation page, is the read receipt; a ruling
whose seal does not verify is not passed on as served."""

import hashlib

import pytest
from django.db import transaction
from test_agreements import case  # noqa: F401 (a fixture)
from test_online_confirmation import from_court, sent  # noqa: F401 (fixtures)

from documents_checks import sandbox  # noqa: F401 (the fixture)
from signing_checks import agreement_pdf, ca_files, platform_ca, signers  # noqa: F401 (fixtures)
from sutiao.accounts.models import PartyProfile
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import confirmation as actions
from sutiao.investor.models import DelegationEvent
from sutiao.kernel.calendar import china_today
from sutiao.kernel.service import ServiceChannel, ServiceConsentMethod
from sutiao.notifications import serving
from sutiao.notifications.models import Notification, Service


def _arrives(request, from_court, court_peer, pdf: bytes):  # noqa: F811
    """The court accepts and rules valid; the ruling job fetches `pdf` from the court's platform."""
    from docking_documents_checks import signed_bytes
    from peer_server import PeerServer

    request = from_court(request, step="received")
    request = from_court(request, step="accepted", number="(2026)京0105民特9号")
    request = from_court(
        request,
        step="ruled",
        number=request.number,
        outcome="valid",
        reasons="协议有效",
        ruling_sha256=hashlib.sha256(pdf).hexdigest(),
        ruling_size=len(pdf),
    )
    server = PeerServer().start()
    try:
        court_peer.peer.base_url = server.url
        court_peer.peer.save()
        server.answer = lambda received: signed_bytes(court_peer.key, received, pdf)
        assert actions.fetch_rulings() == 1
    finally:
        server.stop()
    request.refresh_from_db()
    return request


@pytest.fixture
def sealed(signers):  # noqa: F811
    from sutiao.documents.signing import sign

    return sign(
        agreement_pdf("民事裁定书"), signers["seal"], field="seal", reason="民事裁定书", location="北京", seal=True
    )


def _consents(user):
    profile = PartyProfile.objects.get(user=user)
    return serving.consent_online(user, profile, [ServiceChannel.INBOX, ServiceChannel.SMS])


def _page(client, user, mediation) -> str:
    client.force_login(user)
    return client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()


def test_l16_the_ruling_is_served_on_the_consenting_party_and_marked_for_other_means_for_the_other(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    court_peer,
    sealed,
    client,
):
    mediation, party_a, party_b, row_a, row_b = case
    assert 'data-testid="service-consent-prompt"' in _page(client, party_a, mediation)
    _consents(party_a)
    assert 'data-testid="service-consent-prompt"' not in _page(client, party_a, mediation)

    request = _arrives(sent, from_court, court_peer, sealed)
    assert request.ruling_verified
    served, unserved = serving.services_of(request)
    assert (served.party_name, unserved.party_name) == (row_a.name, row_b.name)
    # The consenting party: inbox and SMS, reached at once (the inbox is their system), hash as served.
    assert served.electronic and sorted(served.channels) == ["in_app", "sms"]
    assert served.reached_at is not None and served.read_at is None and served.served_by is None
    assert served.sha256 == request.ruling.sha256 == hashlib.sha256(sealed).hexdigest()
    assert served.document_id == request.ruling_id and served.consent is not None
    # The other, without consent: not served electronically, marked for service by other means.
    assert not unserved.electronic and unserved.needs_other_means and unserved.reached_at is None
    # Each is told once: the service's own notice for the party served, the ordinary notice for the other.
    assert set(Notification.objects.filter(kind="served_document").values_list("channel", flat=True)) == {
        "in_app",
        "sms",
    }
    assert Notification.objects.get(kind="served_document", channel="in_app").recipient == party_a
    told = Notification.objects.filter(kind="mediation_notice", subject__contains="民事裁定书")
    assert {n.recipient for n in told} == {party_b}
    story = "\n".join(DelegationEvent.objects.filter(delegation=mediation.delegation).values_list("text", flat=True))
    assert f"向{row_a.name}电子送达《民事裁定书》" in story and f"{row_b.name}未同意电子送达" in story
    assert AuditRecord.objects.filter(action="service.serve", actor="系统").count() == 2

    # The proof on the confirmation page: both rows, the party's own with the link to open it.
    page = _page(client, party_a, mediation)
    assert page.count('data-testid="service-row"') == 2 and 'data-testid="needs-other-means"' in page
    assert page.count('data-testid="open-served"') == 1 and served.sha256 in page
    assert 'data-electronic="1" data-read="0"' in page

    # Opening the served document is the read receipt, shown on the page.
    assert client.get(f"/notifications/served/{served.pk}/").status_code == 200
    served.refresh_from_db()
    assert served.read_at is not None and served.read_by == party_a
    assert 'data-electronic="1" data-read="1"' in _page(client, party_a, mediation)
    # The other side sees the proof but opens nothing served on someone else.
    page = _page(client, party_b, mediation)
    assert 'data-testid="open-served"' not in page and page.count('data-testid="service-row"') == 2
    assert client.get(f"/notifications/served/{served.pk}/").status_code == 404


def test_l16_opening_the_ruling_from_the_confirmation_page_is_the_read_receipt(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    court_peer,
    sealed,
    client,
):
    mediation, party_a, party_b, *_ = case
    _consents(party_a)
    request = _arrives(sent, from_court, court_peer, sealed)
    client.force_login(party_b)  # not served electronically: downloading records no receipt for anyone
    assert client.get(f"/mediations/{mediation.pk}/confirmation/{request.pk}/ruling/").status_code == 200
    assert not Service.objects.filter(read_at__isnull=False).exists()
    client.force_login(party_a)
    pdf = client.get(f"/mediations/{mediation.pk}/confirmation/{request.pk}/ruling/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == sealed
    (read,) = Service.objects.filter(read_at__isnull=False)
    assert read.party_name == "李四" and read.read_by == party_a
    assert AuditRecord.objects.filter(action="service.read").count() == 1


def test_l16_a_ruling_whose_seal_does_not_verify_is_not_served(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    court_peer,
):
    mediation, party_a, party_b, *_ = case
    _consents(party_a)
    request = _arrives(sent, from_court, court_peer, agreement_pdf("民事裁定书"))  # no seal at all
    assert request.ruling is not None and not request.ruling_verified
    assert not Service.objects.exists()
    told = Notification.objects.filter(kind="mediation_notice", subject__contains="民事裁定书")
    assert {n.recipient for n in told} == {party_a, party_b}


def test_l16_a_ruling_waiting_for_service_is_served_when_the_party_consents_afterwards(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    court_peer,
    sealed,
    client,
):
    """Consent covers the documents not yet served (在线诉讼规则 Art. 29): a ruling marked «需以其他方式送达» for
    a party without consent is served on the channels the party consents to later, with the time it was sent and
    the court named as the sender; a document already served by other means is not served again."""
    mediation, party_a, party_b, row_a, row_b = case
    request = _arrives(sent, from_court, court_peer, sealed)
    second, first = serving.services_of(request)  # row_a's, then row_b's
    assert not first.electronic and not second.electronic  # neither party had consented
    staff = mediation.delegation.mediator
    serving.record_other_means(staff, first, means="post", served_on=china_today(first.served_at))
    assert Service.objects.get(pk=first.pk).other_means == "post"

    _consents(party_a)
    second.refresh_from_db()
    assert second.electronic and sorted(second.channels) == ["in_app", "sms"] and second.reached_at is not None
    assert second.served_at > request.ruling_received_at  # sent when the consent came, not when it arrived
    assert second.sender == request.court_name and second.sha256 == request.ruling.sha256
    sms = Notification.objects.get(kind="served_document", channel="sms")
    assert request.court_name in sms.body and "民事裁定书" in sms.body
    assert Notification.objects.get(kind="served_document", channel="in_app").recipient == party_a
    assert AuditRecord.objects.filter(action="service.serve_after_consent").count() == 1
    # The party served by post is not served a second time when their consent is recorded too.
    with transaction.atomic():
        serving.record_consent(
            staff,
            id_digest=row_b.id_number_digest,
            party_name=row_b.name,
            channels=[ServiceChannel.SMS],
            method=ServiceConsentMethod.WRITTEN,
            mobile="13900000002",
        )
    first.refresh_from_db()
    assert not first.electronic and first.other_means == "post"
    assert AuditRecord.objects.filter(action="service.serve_after_consent").count() == 1
    # The party opens it from their inbox: the read receipt.
    client.force_login(party_a)
    assert client.get(f"/notifications/served/{second.pk}/").status_code == 200
    second.refresh_from_db()
    assert second.read_by == party_a
