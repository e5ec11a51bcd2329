"""One platform's half of the docking benchmark, run inside that platform's Django (bench/docking.py starts
it with the platform's environment). Prints one JSON line with what it measured."""

import json
import os
import resource
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"sutiao.settings.{sys.argv[1]}")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from sutiao import demo  # noqa: E402

CHUNK = 5000


def prepare(n: int) -> dict:
    """N consented cases of the demo court, written in bulk (not measured: the benchmark starts at delegation)."""
    from sutiao.accounts.models import User
    from sutiao.court.models import Case, ChoiceBy, Claim, Consent, Party
    from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
    from sutiao.kernel.ids import new_id
    from sutiao.kernel.regions import region_of_case_number
    from sutiao.kernel.workflow import CourtState

    staff = User.objects.get(username="court_filing")
    now = timezone.now()
    for start in range(0, n, CHUNK):
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(
                        id=new_id(),
                        court_id=demo.CHAOYANG,
                        number=f"(2026)京0105民诉前调B{start + i}号",
                        region=region_of_case_number("(2026)京0105民诉前调B1号").key,  # as register_case sets it
                        stage=CaseStage.PRE_FILING,
                        dispute_type=DisputeType.MISREPRESENTATION,
                        amount="52037.00",
                        state=CourtState.CONSENTED,
                        # The parties asked the court to appoint (L3), so it may delegate at once.
                        chosen_by=ChoiceBy.COURT,
                        chosen_at=now,
                        registered_by=staff,
                    )
                    for i in range(min(CHUNK, n - start))
                ]
            )
            parties = Party.objects.bulk_create(
                [
                    Party(case=c, role=role, kind=kind, name=name)
                    for c in cases
                    for role, kind, name in (
                        (PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, f"投资者{c.number[-8:]}"),
                        (PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "康美药业股份有限公司"),
                    )
                ]
            )
            Claim.objects.bulk_create([Claim(case=c, text="赔偿投资差额损失", amount="52037.00") for c in cases])
            Consent.objects.bulk_create(
                [
                    Consent(
                        case_id=p.case_id,
                        party=p,
                        consented=True,
                        method=ConsentMethod.ONLINE,
                        answered_at=now,
                        recorded_by=staff,
                    )
                    for p in parties
                ]
            )
    return {"prepared": n}


def delegate() -> dict:
    """Delegate every consented case to the first demo organisation, CHUNK cases per call (each all or none)."""
    from sutiao.accounts.models import User
    from sutiao.court.actions.delegation import delegate_cases
    from sutiao.court.models import Case, Organisation
    from sutiao.kernel.workflow import CourtState

    staff = User.objects.get(username="court_filing")
    organisation = Organisation.objects.get(pk=demo.ORGANISATIONS[0][0])
    ids = list(Case.objects.filter(state=CourtState.CONSENTED).order_by("registered_at").values_list("pk", flat=True))
    started = time.perf_counter()
    for start in range(0, len(ids), CHUNK):
        delegate_cases(staff, ids[start : start + CHUNK], organisation)
    return {"delegated": len(ids), "seconds": time.perf_counter() - started}


def export(path: str) -> dict:
    from sutiao.docking.models import OutboxMessage
    from sutiao.docking.outbox import envelope_of

    with open(path, "w") as out:
        for message in OutboxMessage.objects.select_related("peer").order_by("case", "seq").iterator(2000):
            out.write(json.dumps(envelope_of(message), ensure_ascii=False) + "\n")
    return {"exported": OutboxMessage.objects.count()}


def apply(path: str) -> dict:
    """The receiving side's rows (inbox, delegation, cursor) straight into the database, in the relay's batch
    size and through the same code as a received batch — but no HTTP, no signature, no JSON over the wire."""
    from sutiao.docking.inbox import _accept_new_in_order, _validated
    from sutiao.docking.models import Peer
    from sutiao.docking.relay import BATCH_SIZE

    peer = Peer.objects.get(name="court-platform")
    with open(path) as source:
        envelopes = [json.loads(line) for line in source]
    started = time.perf_counter()
    for start in range(0, len(envelopes), BATCH_SIZE):
        with transaction.atomic():
            applied = _accept_new_in_order(peer, [_validated(e) for e in envelopes[start : start + BATCH_SIZE]])
        assert applied is not None, "the benchmark's batches are all new, in-order messages"
    return {"applied": len(envelopes), "seconds": time.perf_counter() - started}


def receipts() -> dict:
    """The sending side's rows for each receipt (outbox delivered, receipt kept, answer deadline set),
    through the relay's own bookkeeping, without HTTP."""
    from sutiao.docking.models import OutboxMessage, OutboxStatus
    from sutiao.docking.relay import BATCH_SIZE, _record

    messages = list(OutboxMessage.objects.select_related("peer").filter(status=OutboxStatus.PENDING).order_by("case"))
    started = time.perf_counter()
    now = timezone.now().isoformat()
    for start in range(0, len(messages), BATCH_SIZE):
        chunk = messages[start : start + BATCH_SIZE]
        receipts = [{"message_id": str(m.id), "status": "applied", "received_at": now} for m in chunk]
        evidence = {
            "body": json.dumps({"results": receipts}),
            "signature_input": "",
            "signature": "",
            "content_digest": "",
        }
        _record(chunk, receipts, evidence)
    return {"receipts": len(messages), "seconds": time.perf_counter() - started}


def mediations(n: int) -> dict:
    """(bench/parties.py) The first demo organisation accepts every delegation received, its first mediator is
    assigned (the mediation opens, through the actions), and each of the 2n parties gets an account with a
    password, linked to its party row (written straight: the benchmark starts when the parties act)."""
    from sutiao.accounts.models import Role, User
    from sutiao.investor.actions.delegations import accept_delegation, assign_mediator
    from sutiao.investor.mediation.models import MediationParty
    from sutiao.investor.models import Delegation

    admin = User.objects.get(username="org1_admin")
    mediator = User.objects.get(username="org1_mediator1")
    parties = []
    for delegation in Delegation.objects.filter(organisation_id=admin.institution_id).order_by("received_at")[:n]:
        accept_delegation(admin, delegation)
        assign_mediator(admin, delegation, mediator)
        for row in MediationParty.objects.filter(mediation__delegation=delegation).order_by("id"):
            # A mobile of their own: each sign-in's SMS code goes there (issue 14 §10; the development SMS log).
            mobile = f"199{row.pk:08d}"
            user = User(username=f"bench_party_{row.pk}", role=Role.PARTY, full_name=row.name, phone=mobile)
            user.set_password(BENCH_PASSWORD)
            user.save()
            MediationParty.objects.filter(pk=row.pk).update(user=user, linked_at=timezone.now())
            parties.append(
                {"username": user.username, "mobile": mobile, "workspace": f"/delegations/{delegation.pk}/mediation/"}
            )
    return {"parties": parties}


BENCH_PASSWORD = "bench-party-password"  # noqa: S105 (throw-away accounts of a temporary database)
AUDIT_ROUNDS = 3


def audit_cost(n: int) -> dict:
    """What the audit log costs a bulk action (issue 9 §3): the court's bulk delegation of n cases without and
    with one record per case written by record_many in its transaction (three rounds each, alternating, best
    kept: the machine's other work shows as noise), then record_many of n records on its own. "Without" is
    delegate_cases as it stands: once it records by itself, "with" counts the records twice and
    "record_many alone" is the figure to read."""
    from sutiao.accounts.models import User
    from sutiao.audit.log import Entry, record_many
    from sutiao.court.actions.delegation import delegate_cases
    from sutiao.court.models import Case, Organisation

    staff = User.objects.get(username="court_filing")
    organisation = Organisation.objects.get(pk=demo.ORGANISATIONS[0][0])
    ids = list(Case.objects.filter(state="consented").order_by("registered_at").values_list("pk", flat=True))

    def entries(delegations):
        return [
            Entry(
                "case.delegate",
                d,
                case=d.case_id,
                before={"state": "consented"},
                after={"state": "delegated", "organisation": str(organisation.pk)},
            )
            for d in delegations
        ]

    timings: dict[str, list[float]] = {"without": [], "with": []}
    for round_, mode in enumerate(("without", "with") * AUDIT_ROUNDS):
        started = time.perf_counter()
        with transaction.atomic():
            delegations = delegate_cases(staff, ids[round_ * n : (round_ + 1) * n], organisation)
            if mode == "with":
                record_many(staff, entries(delegations))
        timings[mode].append(time.perf_counter() - started)
    alone = []
    for _ in range(AUDIT_ROUNDS):
        started = time.perf_counter()
        with transaction.atomic():
            record_many(staff, entries(delegations))
        alone.append(time.perf_counter() - started)
    return {"cases": n, "without": min(timings["without"]), "with": min(timings["with"]), "record_many": min(alone)}


if __name__ == "__main__":
    platform, action, *args = sys.argv[1:]
    actions = {
        "prepare": prepare,
        "delegate": delegate,
        "export": export,
        "apply": apply,
        "receipts": receipts,
        "audit_cost": audit_cost,
        "mediations": mediations,
    }
    result = actions[action](*[int(a) if a.isdigit() else a for a in args])
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
