"""Parties' personal data at rest (issue 14 item 9): a case registered through the court's API with known
identity numbers, phones and an address, delegated through the signed docking, accepted and assigned on the
investor platform; then each platform's raw storage is read without going through it — the SQLite files'
bytes, or every text and JSON column of every PostgreSQL table — and none of the values is found in clear.
The APIs show them masked."""

import datetime as dt

import psycopg
from live import wait_for
from psycopg import sql
from test_delegation_flow import ORG1, court_case, investor_delegation

from sutiao.kernel.identifiers import mask, resident_id_check_digit
from sutiao.kernel.workflow import CourtState

APPLICANT_ID = "11010519850617" + "271"
APPLICANT_ID += resident_id_check_digit(APPLICANT_ID)
RESPONDENT_ID = "31010419720905" + "354"
RESPONDENT_ID += resident_id_check_digit(RESPONDENT_ID)
PHONES = ("13912345671", "13687654329")
ADDRESS = "北京市朝阳区建国路八十八号院七号楼"
SECRETS = (APPLICANT_ID, RESPONDENT_ID, *PHONES, ADDRESS)


def _raw_hits(platform, secrets) -> list[str]:
    """Where each secret appears in clear in the platform's stored data."""
    if not platform.database_url:
        # The -wal and -shm files first, then the database: a checkpoint between two reads moves pages from the
        # write-ahead log into the database file (read after it), and removes the log — gone is not an error.
        files = sorted(platform.var_dir.glob(f"{platform.name}.sqlite3*"), key=lambda f: f.suffix == ".sqlite3")
        assert files, "the SQLite database file is where the platform keeps it"
        hits = []
        for f in files:
            try:
                data = f.read_bytes()
            except FileNotFoundError:
                continue
            hits += [f"{f.name}: {s}" for s in secrets if s.encode() in data]
        return hits
    hits = []
    with psycopg.connect(platform.database_url) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
        ).fetchall()
        assert len(columns) > 50
        for table, column in columns:
            for secret in secrets:
                query = sql.SQL("SELECT count(*) FROM {} WHERE position(%s in {}::text) > 0").format(
                    sql.Identifier(table), sql.Identifier(column)
                )
                found = conn.execute(query, [secret]).fetchone()[0]
                if found:
                    hits.append(f"{table}.{column}: {secret}")
    return hits


def test_no_identity_number_or_phone_in_clear_on_either_platform(live):
    court = live.api("court_filing")
    case = court.post(
        "/cases",
        {
            "stage": "pre_filing",
            "dispute_type": "misrepresentation",
            "amount": "88000.00",
            "parties": [
                {
                    "role": "applicant",
                    "kind": "natural_person",
                    "name": "钱多多",
                    "id_number": APPLICANT_ID,
                    "phone": PHONES[0],
                    "address": ADDRESS,
                },
                {
                    "role": "respondent",
                    "kind": "natural_person",
                    "name": "孙少少",
                    "id_number": RESPONDENT_ID,
                    "phone": PHONES[1],
                },
            ],
            "claims": [{"text": "赔偿投资差额损失", "amount": "88000.00"}],
        },
    )
    court.post(f"/cases/{case['id']}/ask-consent")  # the parties are asked by SMS to their phones
    now = dt.datetime.now(dt.UTC).isoformat()
    for party in case["parties"]:
        court.post(
            f"/cases/{case['id']}/consents",
            {"party": party["name"], "consented": True, "method": "online", "answered_at": now},
        )
    court.post(f"/cases/{case['id']}/appointment-request", {})  # L3: the parties asked the court to appoint
    case = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})
    delegation_id = case["delegations"][0]["id"]
    admin = live.api("org1_admin")
    wait_for(lambda: investor_delegation(admin, delegation_id), what="the delegation on the investor side")
    admin.post(f"/delegations/{delegation_id}/accept")
    mediator = next(m for m in admin.get("/mediators") if m["name"] == "张调解1")
    admin.post(f"/delegations/{delegation_id}/assign", {"mediator_id": mediator["id"]})  # the mediation's parties
    wait_for(lambda: court_case(live, case["id"])["state"] == CourtState.MEDIATING, what="mediating on the court")

    # The API shows the parties masked, never in clear.
    shown = court_case(live, case["id"])
    assert [(p["id_number_masked"], p["phone_masked"]) for p in shown["parties"]] == [
        (mask("id_number", APPLICANT_ID), mask("phone", PHONES[0])),
        (mask("id_number", RESPONDENT_ID), mask("phone", PHONES[1])),
    ]
    answers = [shown, admin.get(f"/delegations/{delegation_id}"), admin.get("/delegations", limit=200)]
    assert not [s for s in SECRETS for answer in answers if s in str(answer)]

    # The data travelled (the investor side holds the parties), and neither platform keeps them in clear; the
    # names, which stay searchable, are found by the same reading, so the reading does see the stored data.
    assert _raw_hits(live.court, ["钱多多"]) and _raw_hits(live.investor, ["钱多多"])
    assert _raw_hits(live.court, SECRETS) == []
    assert _raw_hits(live.investor, SECRETS) == []
