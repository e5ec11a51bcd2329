"""The audit log's core: records chain by hash, commit with the action and name the actor."""

import pytest
from django.db import transaction

from sutiao.audit.chain import GENESIS, link
from sutiao.audit.log import record
from sutiao.audit.models import AuditRecord

pytestmark = pytest.mark.django_db(transaction=True)


def _fields(r):
    # Spelled out rather than taken from chain.FIELDS: a field dropped from the hash must fail this test.
    return {
        f: getattr(r, f)
        for f in (
            "seq",
            "at",
            "actor",
            "actor_id",
            "role",
            "action",
            "object_type",
            "object_id",
            "case",
            "before",
            "after",
            "request_id",
        )
    }


def test_records_chain_each_hash_over_the_previous_one_as_read_back():
    with transaction.atomic():
        record("court-platform", "test.first", after={"amount": "1.00"})
        record("court-platform", "test.second", before={"x": 1}, after={"x": 2})
    first, second = AuditRecord.objects.order_by("seq")
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert link(GENESIS, _fields(first)) == first.hash
    assert link(first.hash, _fields(second)) == second.hash


def test_a_record_rolls_back_with_its_action():
    with pytest.raises(RuntimeError), transaction.atomic():
        record("court-platform", "test.doomed")
        raise RuntimeError("the action failed")
    assert not AuditRecord.objects.exists()


def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        record("court-platform", "test.loose")
