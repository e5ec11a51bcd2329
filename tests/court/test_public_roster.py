"""The published roster (特邀调解规定 Art. 8): anyone may look up a court's roster without signing in; it
shows what is in force (the court's own and the jointly recognised list), never identity numbers, and
nothing removed, expired or of a suspended organisation."""

import datetime as dt

from court_roster_setup import put_on_roster_bypassing_actions
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.court import selectors
from sutiao.court.models import Mediator, Organisation
from sutiao.kernel.calendar import china_today
from sutiao.kernel.ids import new_id


def _organisation(investor, name, **fields):
    return Organisation.objects.create(
        id=new_id(),
        peer=investor.peer,
        name=name,
        scope=["北京市"],
        dispute_types=["misrepresentation"],
        supervisor="中国证监会北京监管局",
        contact_phone="010-66000000",
        **fields,
    )


def test_anyone_reads_a_courts_roster_without_identity_numbers(client, court, other_court, staff, investor):
    own = _organisation(investor, "朝阳证券纠纷调解室")
    put_on_roster_bypassing_actions(court, own, staff)
    mediator = Mediator.objects.create(
        id=new_id(), organisation=own, name="黄调解", id_number_masked="110***********123X", qualifications=["律师"]
    )
    put_on_roster_bypassing_actions(court, own, staff, mediator=mediator)
    joint = _organisation(investor, "中证资本市场法律服务中心")
    put_on_roster_bypassing_actions(None, joint, staff)
    elsewhere = _organisation(investor, "西城调解中心")
    put_on_roster_bypassing_actions(other_court, elsewhere, staff)
    removed = _organisation(investor, "已移出调解中心")
    put_on_roster_bypassing_actions(court, removed, staff).__class__.objects.filter(organisation=removed).update(
        removed_at=timezone.now()
    )
    expired = _organisation(investor, "已到期调解中心")
    entry = put_on_roster_bypassing_actions(court, expired, staff)
    entry.__class__.objects.filter(pk=entry.pk).update(valid_until=china_today() - dt.timedelta(days=1))
    suspended = _organisation(investor, "暂停调解中心", active=False)
    put_on_roster_bypassing_actions(court, suspended, staff)

    page = client.get(f"/public/roster/{court.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("朝阳证券纠纷调解室", "中证资本市场法律服务中心", "黄调解", "律师", "010-66000000", "第八条"):
        assert shown in text
    for hidden in ("西城调解中心", "已移出调解中心", "已到期调解中心", "暂停调解中心", "110***", "123X"):
        assert hidden not in text
    assert text.count('data-testid="public-organisation"') == 2 and text.count('data-testid="public-mediator"') == 1


def test_the_list_of_courts_counts_each_roster_and_unknown_ones_are_404(client, court, other_court, staff, investor):
    put_on_roster_bypassing_actions(court, _organisation(investor, "朝阳证券纠纷调解室"), staff)
    put_on_roster_bypassing_actions(None, _organisation(investor, "中证资本市场法律服务中心"), staff)
    counts = {c.pk: (orgs, mediators) for c, orgs, mediators in selectors.courts_publishing()}
    assert counts[court.pk] == (2, 0) and counts[other_court.pk] == (1, 0)
    page = client.get("/public/roster/").content.decode()
    assert f"/public/roster/{court.pk}/" in page and "北京市西城区人民法院" in page
    organisation_body = Institution.objects.create(kind=InstitutionKind.MEDIATION_ORG, name="某调解组织")
    assert client.get(f"/public/roster/{organisation_body.pk}/").status_code == 404
    assert client.get(f"/public/roster/{new_id()}/").status_code == 404
    assert 'data-testid="public-roster-link"' in client.get("/accounts/login/").content.decode()


def test_the_case_page_points_the_parties_to_the_published_roster(client, staff, consented_case):
    client.force_login(staff)
    page = client.get(f"/cases/{consented_case.pk}/").content.decode()
    assert f"/public/roster/{consented_case.court_id}/" in page


def test_a_certificate_prints_with_a_code_anyone_can_verify(client, court, staff, other_staff, investor):
    """特邀调解规定 Art. 5: the court issues a certificate for each entry; its code shows online whether it
    still holds, and a forged or altered code is refused."""
    organisation = _organisation(investor, "朝阳证券纠纷调解室")
    entry = put_on_roster_bypassing_actions(court, organisation, staff)
    client.force_login(other_staff)
    assert client.get(f"/roster/entries/{entry.pk}/certificate/").status_code == 404  # another court's entry
    client.force_login(staff)
    roster_page = client.get("/roster/").content.decode()
    assert f"/roster/entries/{entry.pk}/certificate/" in roster_page
    certificate = client.get(f"/roster/entries/{entry.pk}/certificate/").content.decode()
    number = f"（{entry.confirmed_at.year}）京0105特邀证第{entry.pk:05d}号"
    assert "特邀调解组织证书" in certificate and number in certificate and "朝阳证券纠纷调解室" in certificate
    code = selectors.certificate_code(entry)
    assert code in certificate and f"http://testserver/public/certificates/{code}/" in certificate

    client.logout()
    verified = client.get(f"/public/certificates/{code}/").content.decode()
    assert 'data-status="valid"' in verified and number in verified and "北京市朝阳区人民法院" in verified
    entry.__class__.objects.filter(pk=entry.pk).update(removed_at=timezone.now(), removed_reason="投诉属实")
    assert 'data-status="removed"' in client.get(f"/public/certificates/{code}/").content.decode()
    entry.__class__.objects.filter(pk=entry.pk).update(
        removed_at=None, valid_until=china_today() - dt.timedelta(days=1)
    )
    assert 'data-status="expired"' in client.get(f"/public/certificates/{code}/").content.decode()

    entry_id, signature = code.split("-", 1)
    assert client.get(f"/public/certificates/{int(entry_id) + 1}-{signature}/").status_code == 404
    assert client.get(f"/public/certificates/{entry_id}-{signature[:-1]}x/").status_code == 404
    assert client.get("/public/certificates/nonsense/").status_code == 404
