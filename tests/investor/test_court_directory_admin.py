"""An operator's hand entry in the court directory is an action like any other: on the audit log, never deleted."""

import uuid

from sutiao.audit.models import AuditRecord
from sutiao.investor.models import CourtDirectory


def test_operator_adds_and_changes_a_court_and_both_are_on_the_audit_log(operator_client, court_peer):
    client = operator_client
    court_id = uuid.uuid4()
    assert "法院平台给出的法院标识" in client.get("/admin/investor/courtdirectory/add/").content.decode()
    missing = client.post("/admin/investor/courtdirectory/add/", {"name": "某法院", "peer": court_peer.peer.pk})
    assert "请填写法院平台给出的法院标识" in missing.content.decode()
    assert not CourtDirectory.objects.exists()
    added = client.post(
        "/admin/investor/courtdirectory/add/",
        {"court_id": str(court_id), "name": "北京市朝阳区人民法院", "peer": court_peer.peer.pk, "active": "on"},
    )
    assert added.status_code == 302
    entry = CourtDirectory.objects.get(pk=court_id)
    assert entry.name == "北京市朝阳区人民法院"
    changed = client.post(
        f"/admin/investor/courtdirectory/{court_id}/change/",
        {"name": "北京市朝阳区人民法院", "peer": court_peer.peer.pk},
    )
    assert changed.status_code == 302
    assert not CourtDirectory.objects.get(pk=court_id).active
    trail = list(AuditRecord.objects.filter(object_id=str(court_id)).order_by("seq"))
    assert [r.action for r in trail] == ["courts.directory_entry_added", "courts.directory_entry_changed"]
    assert trail[0].actor_id == str(client.operator.pk)
    assert trail[1].before["active"] is True and trail[1].after["active"] is False
    assert trail[1].after["changed"] == ["active"]
    assert client.post(f"/admin/investor/courtdirectory/{court_id}/delete/", {"post": "yes"}).status_code == 403
    assert CourtDirectory.objects.filter(pk=court_id).exists()
