"""The comparison at the heart of reconciliation, on summaries as both platforms serve them."""

from sutiao.docking.reconcile import compare


def summary(case, sent=(), received=(), states=None):
    return {
        "case": case,
        "sent": [list(s) for s in sent],
        "received": [list(r) for r in received],
        "states": states or {},
    }


def test_agreeing_platforms_have_no_differences():
    court = [summary("c1", sent=[(1, "d1", "delivered")], received=[(1, "a1", "applied")], states={"x": "accepted"})]
    investor = [summary("c1", sent=[(1, "a1", "delivered")], received=[(1, "d1", "applied")], states={"x": "accepted"})]
    result = compare(court, investor)
    assert (result.cases, result.differences, result.in_flight) == (1, [], 0)


def test_every_kind_of_difference_is_reported():
    court = [
        summary("lost", sent=[(1, "d1", "delivered")]),
        summary("parked", sent=[(1, "d1", "parked")]),
        summary("tampered", sent=[(1, "d1", "delivered")]),
        summary("states", states={"x": "accepted"}),
        summary("only-there"),
    ]
    investor = [
        summary("lost"),
        summary("parked"),
        summary("tampered", received=[(1, "other", "applied")]),
        summary("states", states={"x": "withdrawn"}),
        summary("only-there", received=[(1, "zz", "applied")]),
    ]
    kinds = {(d["case"], d["kind"], d["direction"]) for d in compare(court, investor).differences}
    assert kinds == {
        ("lost", "missing", "sent"),
        ("parked", "parked", "sent"),
        ("tampered", "digest_mismatch", "sent"),
        ("states", "state_mismatch", None),
        ("only-there", "unknown", "sent"),
    }


def test_messages_in_flight_are_not_differences_yet():
    court = [summary("c1", sent=[(1, "d1", "pending")], states={"x": "pending"})]
    investor = [summary("c1", states={})]
    result = compare(court, investor)
    assert result.differences == [] and result.in_flight == 1
