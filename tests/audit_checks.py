"""The audit log's verification and its chain-head exchange, the same on both platforms: tests/court and
tests/investor each import these tests and run them with their own settings, on SQLite or (DATABASE_URL) on
PostgreSQL. Tampering goes straight to the database, as someone bypassing `record()` would."""

import json
from io import StringIO

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction

from sutiao.audit.actions import AuditAction
from sutiao.audit.chain import FIELDS, GENESIS, link
from sutiao.audit.heads import check_peer, head_case, send_heads
from sutiao.audit.log import record
from sutiao.audit.models import AuditHead, AuditRecord, PeerHead
from sutiao.audit.verify import Defect, verify_chain
from sutiao.devserver import free_port
from sutiao.docking.models import OutboxMessage, Peer, PeerKey
from sutiao.docking.schemas import MessageType
from sutiao.docking.signing import FEED_COMPONENTS, own_public_pem, sign

pytestmark = pytest.mark.django_db(transaction=True)


def write_records(count: int = 5) -> None:
    with transaction.atomic():
        for n in range(1, count + 1):
            record("test-platform", "test.step", case="case-1", before={"n": n - 1}, after={"n": n, "amount": "1.00"})


def rewrite_history_bypassing_record(seq: int, after: dict) -> None:
    """What an insider with database access would do: change record `seq`, then recompute every later hash
    and the head, so that the chain on its own is consistent again. (Also run by the e2e test, in a platform.)"""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        AuditRecord.objects.filter(seq=seq).update(after=after)
        prev = AuditRecord.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or GENESIS
        for row in AuditRecord.objects.filter(seq__gte=seq).order_by("seq"):
            row.prev_hash, row.hash = prev, link(prev, {f: getattr(row, f) for f in FIELDS})
            row.save(update_fields=["prev_hash", "hash"])
            prev = row.hash
        head.hash = prev
        head.save(update_fields=["hash"])


def verify(*args) -> tuple[int, str]:
    """Run `audit verify` as an operator would; return (exit code, everything it printed)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def test_an_untouched_log_verifies():
    write_records()
    code, output = verify()
    assert code == 0 and "5 条" in output


def test_what_any_action_may_record_reads_back_with_the_hash_it_was_written_with():
    import datetime as dt
    from decimal import Decimal

    from sutiao.kernel.ids import new_id

    varied = {
        "名称": '中证资本市场法律服务中心 "引号" \\ 反斜杠',
        "amount": Decimal("125000.10"),
        "due": dt.date(2028, 2, 29),
        "when": dt.datetime(2026, 12, 1, 8, 0, 0, 123456, tzinfo=dt.UTC),
        "id": new_id(),
        "ratio": 0.1,
        "big": 2**53 + 1,
        "flags": [True, False, None],
        "nested": {"b": [1, {"a": "二"}], "a": {}},
    }
    with transaction.atomic():
        record("test-platform", "test.varied", before=varied, after=None)
        record("test-platform", "test.empty", before={}, after={"x": None})
    assert verify_chain().intact
    assert AuditRecord.objects.get(seq=1).before["名称"].startswith("中证")


def test_an_empty_log_verifies():
    assert verify()[0] == 0


def test_an_edited_record_is_named():
    write_records()
    AuditRecord.objects.filter(seq=3).update(after={"n": 3, "amount": "1000000.00"})
    code, output = verify()
    assert code == 1 and "第 3 条" in output and Defect.EDITED in output


def test_an_edited_record_with_its_own_hash_recomputed_breaks_the_next_link():
    write_records()
    row = AuditRecord.objects.get(seq=3)
    row.actor = "someone-else"
    row.hash = link(row.prev_hash, {f: getattr(row, f) for f in FIELDS})
    row.save()
    code, output = verify()
    assert code == 1 and "第 4 条" in output and Defect.UNLINKED in output


def test_a_deleted_record_is_named():
    write_records()
    AuditRecord.objects.filter(seq=3).delete()
    code, output = verify()
    assert code == 1 and "第 3 条" in output and Defect.MISSING in output


def test_deleting_the_newest_records_is_noticed_through_the_head():
    write_records()
    AuditRecord.objects.filter(seq__gte=4).delete()
    code, output = verify()
    assert code == 1 and "第 4 条" in output and Defect.MISSING in output


def test_a_record_inserted_past_the_head_is_named_even_with_a_well_formed_hash():
    write_records()
    last = AuditRecord.objects.get(seq=5)
    forged = {f: getattr(last, f) for f in FIELDS} | {"seq": 6, "action": "test.forged"}
    AuditRecord.objects.create(prev_hash=last.hash, hash=link(last.hash, forged), **forged)
    code, output = verify()
    assert code == 1 and "第 6 条" in output and Defect.INSERTED in output


def test_a_record_inserted_out_of_sequence_is_named():
    write_records()
    first = AuditRecord.objects.get(seq=1)
    AuditRecord.objects.create(
        **({f: getattr(first, f) for f in FIELDS} | {"seq": 0}), prev_hash=GENESIS, hash="f" * 64
    )
    code, output = verify()
    assert code == 1 and "第 0 条" in output and Defect.INSERTED in output


def test_verification_reads_the_log_in_chunks():
    write_records(7)
    assert verify_chain(chunk_size=2).intact
    AuditRecord.objects.filter(seq=6).update(actor="someone-else")
    outcome = verify_chain(chunk_size=2)
    assert outcome.finding.seq == 6 and outcome.checked == 6


def test_an_insiders_rewrite_passes_plain_verification():
    """Why the heads are exchanged: a rewrite with every later hash recomputed is consistent on its own."""
    write_records()
    rewrite_history_bypassing_record(2, {"n": 2, "amount": "999.00"})
    assert verify()[0] == 0


# --- the chain-head exchange ---


def test_the_head_goes_to_each_peer_once_a_period(make_peer, own_key, settings):
    peer = make_peer("peer-platform").peer
    write_records(2)
    head = AuditHead.objects.get()
    assert send_heads() == 1
    sent = OutboxMessage.objects.get(peer=peer, type=MessageType.AUDIT_HEAD)
    assert sent.case == head_case() and sent.payload["seq"] == 2 and sent.payload["hash"] == head.hash
    assert AuditRecord.objects.get(seq=3).action == AuditAction.HEAD_SENT  # the sending is on the record too
    assert send_heads() == 0  # not due again before SUTIAO_AUDIT_HEAD_SECONDS
    settings.SUTIAO_AUDIT_HEAD_SECONDS = 0
    assert send_heads() == 1
    assert OutboxMessage.objects.filter(peer=peer, type=MessageType.AUDIT_HEAD).latest("seq").payload["seq"] == 3


def test_a_peers_head_is_kept_as_its_witness_and_read_back_by_that_peer(
    make_peer, own_key, post_message, make_envelope, client
):
    peer = make_peer("peer-platform")
    payload = {"seq": 41, "hash": "a" * 64, "at": "2026-11-30T08:00:00+00:00"}
    message = make_envelope(
        MessageType.AUDIT_HEAD, head_case(peer.peer.name), 1, payload, peer.peer.name, settings.PLATFORM_ID
    )
    assert post_message(message, peer.key).status_code == 200
    kept = PeerHead.objects.get(peer=peer.peer)
    assert (kept.seq, kept.hash) == (41, "a" * 64)
    received = AuditRecord.objects.get(action=AuditAction.PEER_HEAD_RECEIVED)
    assert received.actor == peer.peer.name and received.after["seq"] == 41

    query = "after=&limit=500"
    request = requests.Request(
        "GET", f"http://testserver/docking/v1/audit-heads?{query}", headers={"Content-Type": "application/json"}
    ).prepare()
    sign(request, b"", components=FEED_COMPONENTS, key=peer.key)
    headers = {k: request.headers[k] for k in ("Content-Type", "Content-Digest", "Signature-Input", "Signature")}
    response = client.get(f"/docking/v1/audit-heads?{query}", headers=headers)
    assert response.status_code == 200, response.content
    heads = json.loads(response.content)["heads"]
    assert [(h["seq"], h["hash"]) for h in heads] == [(41, "a" * 64)]


@pytest.fixture
def mirror(own_key, live_server, monkeypatch):
    """This platform as its own peer, over real HTTP: what it holds as 'received heads' of the mirror are
    the heads of our own chain, so `verify --peer` runs end to end against one database."""
    # The live server's request threads close their connections at once, so the test database can be dropped.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    peer = Peer.objects.create(name="mirror-platform", display_name="mirror", base_url=live_server.url)
    PeerKey.objects.create(peer=peer, key_id=settings.SUTIAO_KEY_ID, public_key_pem=own_public_pem())
    return peer


def _witness(peer, seq):
    row = AuditRecord.objects.get(seq=seq)
    PeerHead.objects.create(peer=peer, seq=seq, hash=row.hash, at=row.at, received_at=row.at)


def test_verify_peer_passes_while_the_seen_history_is_unchanged_and_names_the_rewritten_seq(mirror):
    write_records(6)
    _witness(mirror, 2)
    _witness(mirror, 4)
    code, output = verify("--peer")
    assert code == 0 and "2 个链头" in output
    rewrite_history_bypassing_record(3, {"n": 3, "amount": "999.00"})
    assert verify_chain().intact
    code, output = verify("--peer", "mirror-platform")
    assert code == 1 and "第 4 条" in output
    assert check_peer(mirror).rewritten["seq"] == 4


def test_verify_peer_says_when_the_peer_cannot_be_reached(own_key):
    write_records(1)
    Peer.objects.create(name="far-platform", display_name="far", base_url=f"http://127.0.0.1:{free_port()}")
    code, output = verify("--peer")
    assert code == 2 and "无法连接" in output and "far-platform" in output


# --- the operators' view ---


def test_operators_read_the_whole_log_in_the_admin_and_change_nothing(operator_client):
    write_records(3)
    listing = operator_client.get("/admin/audit/auditrecord/")
    assert listing.status_code == 200
    assert listing.content.decode().count('class="field-seq"') == 3
    found = operator_client.get("/admin/audit/auditrecord/", {"q": "case-1"}).content.decode()
    assert found.count('class="field-seq"') == 3
    assert (
        operator_client.get("/admin/audit/auditrecord/", {"q": "no-such-case"})
        .content.decode()
        .count('class="field-seq"')
        == 0
    )
    assert operator_client.get("/admin/audit/auditrecord/", {"role": "system"}).status_code == 200
    row = AuditRecord.objects.get(seq=2)
    assert operator_client.get(f"/admin/audit/auditrecord/{row.pk}/change/").status_code == 200  # read-only view
    assert operator_client.get("/admin/audit/auditrecord/add/").status_code == 403
    assert operator_client.post(f"/admin/audit/auditrecord/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    operator_client.post(f"/admin/audit/auditrecord/{row.pk}/change/", {"actor": "someone-else"})
    assert AuditRecord.objects.get(seq=2).actor == row.actor and verify_chain().intact


def test_staff_who_are_not_operators_do_not_see_the_log(operator_client):
    from sutiao.accounts.models import Role

    write_records(1)
    operator = operator_client.operator
    operator.is_superuser, operator.role = False, Role.MEDIATOR
    operator.save()
    assert operator_client.get("/admin/audit/auditrecord/").status_code == 403
