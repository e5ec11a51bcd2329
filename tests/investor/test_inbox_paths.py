"""The inbox's bulk fast path (`_accept_new_in_order`: a batch of new messages, each the next of its own case,
applied with one handler call per type) and its general path (`accept`, message by message) end in the same
state for the same messages — whatever the mix of duplicates, messages ahead of their turn, business refusals
final or not, and cases."""

from dataclasses import dataclass

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from investor_registry_setup import registered_org

from sutiao.docking import inbox
from sutiao.docking.models import CaseCursor, InboxMessage
from sutiao.docking.refusals import Refused
from sutiao.docking.schemas import MessageType
from sutiao.investor.models import Delegation, DelegationEvent
from sutiao.kernel.ids import new_id

# What the court sends in one case, seq by seq: a delegation, its withdrawal, a second delegation.
DELEGATIONS = st.sampled_from(["on_roster"] * 4 + ["unknown_organisation", "off_roster"])


@dataclass
class Case:
    first: str  # which organisation the first delegation names
    length: int  # how many of the case's messages exist (1-3)


def _messages(cases, make_envelope, delegate_payload, organisations):
    built = []
    for case in cases:
        case_id, first_id = new_id(), str(new_id())
        payloads = [
            (MessageType.DELEGATE, delegate_payload(organisations[case.first], delegation_id=first_id)),
            (
                MessageType.DELEGATION_WITHDRAWN,
                {"delegation_id": first_id, "reason": "答复期限届满", "withdrawn_at": "2026-11-30T10:00:00+08:00"},
            ),
            (MessageType.DELEGATE, delegate_payload(organisations["on_roster"])),
        ]
        for seq, (message_type, payload) in enumerate(payloads[: case.length], start=1):
            raw = make_envelope(message_type, case_id, seq, payload, "court-platform", "investor-platform")
            built.append(inbox._validated(raw))
    return built


def _deliver(peer, batches, bulk: bool):
    """Each batch as `receive_batch` takes it (its fast path tried first when `bulk`), in a savepoint rolled
    back at the end; returns each message's answer and the state left behind."""
    answers = []
    with transaction.atomic():
        for batch in batches:
            fast = inbox._accept_new_in_order(peer, batch) if bulk else None
            if fast is not None:
                event("a batch took the fast path")
                answers.append([r.status for r in fast])
                continue
            answers.append([])
            for message in batch:
                try:
                    answers[-1].append(inbox.accept(peer, message, nonce=None).status)
                except Refused as refused:
                    answers[-1].append((refused.code, refused.final))
        state = _state()
        transaction.set_rollback(True)
    return answers, state


def _state():
    return {
        "inbox": sorted((str(m.id), m.type, str(m.case), m.seq, m.status, m.error) for m in InboxMessage.objects.all()),
        "cursors": sorted((str(c.case), c.applied_seq, c.waiting) for c in CaseCursor.objects.all()),
        "delegations": sorted(
            (str(d.id), str(d.case), d.organisation_id, d.state, d.recall_reason) for d in Delegation.objects.all()
        ),
        "events": sorted((str(e.delegation_id), e.text) for e in DelegationEvent.objects.all()),
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_bulk_and_general_paths_end_in_the_same_state(
    data, court_peer, own_key, make_envelope, delegate_payload, org_a, regional_office, bureau_user
):
    organisations = {
        "on_roster": org_a,
        "off_roster": _off_roster(regional_office, court_peer, bureau_user),
        "unknown_organisation": _Unknown(),
    }
    cases = data.draw(
        st.lists(st.builds(Case, DELEGATIONS, st.integers(min_value=1, max_value=3)), min_size=1, max_size=4)
    )
    messages = _messages(cases, make_envelope, delegate_payload, organisations)
    picks = st.lists(st.sampled_from(range(len(messages))), min_size=1, max_size=6)
    # A wave: the seq-th message of every case, the batch the fast path is for.
    waves = st.sampled_from([1, 2, 3]).map(lambda seq: [i for i, m in enumerate(messages) if m.seq == seq])
    schedule = data.draw(st.lists(st.one_of(waves.filter(bool), picks), min_size=1, max_size=5))
    batches = [[messages[i] for i in batch] for batch in schedule]

    bulk = _deliver(court_peer.peer, batches, bulk=True)
    general = _deliver(court_peer.peer, batches, bulk=False)

    assert bulk == general


class _Unknown:
    """An organisation the investor platform has never heard of."""

    pk = new_id()


def _off_roster(office, court_peer, bureau_user):
    from sutiao.accounts.models import Institution

    existing = Institution.objects.filter(name="未入册调解中心").first()
    return existing or registered_org("未入册调解中心", 7, office, court_peer, bureau_user, on_every_roster=False)
