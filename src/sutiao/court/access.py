"""The court platform's permission matrix (issue 14): who may do what to which kind of object, and which page or
API operation is which (kind, action). `permissions.py` reads its roles from here; the generated test
(tests/court/test_permission_matrix.py) walks every URL and every REST operation against it.

Reach OWN: court staff — their own court's cases, roster and figures (the Supreme People's Court's admin: the
jointly recognised roster and every court's figures); a party — the cases in which they are a party, or act
for one (a firm's staff for the firm, an agent within a power of attorney)."""

from sutiao.accounts.access import (
    BOTH,
    COMMON_ENDPOINTS,
    COMMON_RULES,
    POST,
    SIGNED_IN,
    Actor,
    Endpoint,
    Reach,
    everyone,
)

COURT_STAFF = (Actor.FILING_STAFF, Actor.JUDGE, Actor.COURT_ADMIN, Actor.SPC_ADMIN)
OWN, ALL = Reach.OWN, Reach.ALL
PARTY_SIDE = {Actor.INVESTOR: OWN, Actor.FIRM: OWN, Actor.AGENT: OWN}

RULES: dict[tuple[str, str], dict[Actor, Reach]] = {
    **COMMON_RULES,
    # The home page: court staff see their court's work queue; a party is sent on to their own cases.
    ("work", "home"): {**everyone(OWN, COURT_STAFF), **PARTY_SIDE},
    # Every member of a court's staff reads its cases.
    ("case", "read"): everyone(OWN, COURT_STAFF),
    # Filing staff register, ask the parties and record their answers and choices (LEGAL-RULES L1, L3), and
    # delegate, recall or send a case back.
    ("case", "register"): {Actor.FILING_STAFF: OWN},
    ("case", "ask_consent"): {Actor.FILING_STAFF: OWN},
    ("case", "delegate"): {Actor.FILING_STAFF: OWN},
    ("case", "correct"): {Actor.FILING_STAFF: OWN},  # correct registration data, void (issue 15 §2)
    # A party (or whoever acts for them) sees their own cases and answers for their own party.
    ("case", "read_as_party"): PARTY_SIDE,
    # The list of one's own cases as a party: anyone signed in (staff find none there).
    ("case", "list_as_party"): everyone(OWN, SIGNED_IN),
    ("case", "answer_as_party"): PARTY_SIDE,
    # The SMS link names its case and party by a token; it sends the holder on to sign in.
    ("consent_link", "open"): everyone(),
    # Judicial confirmation (issue 11 §4; L11–L14): every member of a court's staff reads its applications; filing
    # staff register those brought to the court and decide whether to accept; the judge named reviews and rules
    # (only that judge: `permissions.ensure_may_review_confirmation`).
    ("confirmation", "read"): everyone(OWN, COURT_STAFF),
    ("confirmation", "receive"): {Actor.FILING_STAFF: OWN},
    ("confirmation", "review"): {Actor.JUDGE: OWN},
    # A withdrawal (解释 Art. 357) is recorded by filing staff before the court accepts, by the judge after.
    ("confirmation", "withdraw"): {Actor.FILING_STAFF: OWN, Actor.JUDGE: OWN},
    # An applicant (or whoever acts for one) follows their own applications: the list is anyone's (staff find none).
    ("confirmation", "list_as_party"): everyone(OWN, SIGNED_IN),
    ("confirmation", "read_as_party"): PARTY_SIDE,
    # The 调解书 of an entrusted case (issue 11 §5; L15): filing staff name the judge who hears the case; that judge
    # issues it and records a party's refusal (only that judge: `permissions.ensure_may_issue_document`); each
    # party (or whoever acts for them within the «sign» scope) signs for receipt online, or refuses.
    ("case", "assign_judge"): {Actor.FILING_STAFF: OWN},
    ("mediation_document", "issue"): {Actor.JUDGE: OWN},
    ("case", "sign_receipt_as_party"): PARTY_SIDE,
    # Electronic service (L16): filing staff and judges record consent given in writing and service by other means.
    ("service", "record"): {Actor.FILING_STAFF: OWN, Actor.JUDGE: OWN},
    ("roster", "read"): everyone(OWN, COURT_STAFF),
    # A court's admins decide its roster; the Supreme People's Court's decide the jointly recognised one.
    ("roster", "decide"): {Actor.COURT_ADMIN: OWN, Actor.SPC_ADMIN: OWN},
    # A court's admins ask to take over a higher court's entry (L23).
    ("roster", "adopt"): {Actor.COURT_ADMIN: OWN, Actor.SPC_ADMIN: OWN},
    # Figures: a court's staff their own court's, the Supreme People's Court's every court's.
    ("report", "read"): {**everyone(OWN, COURT_STAFF), Actor.SPC_ADMIN: ALL},
    # Periodic quality-and-efficiency reports (issue 13 §3): whoever has a dashboard asks for the report of their
    # own figures and reads it; the platform-wide ones are read by whoever sees every case (reports.selectors).
    ("report", "request"): {**everyone(OWN, COURT_STAFF), Actor.SPC_ADMIN: ALL},
    # Evaluation (issue 13 §4): whoever sees every case keeps the schemes, runs evaluations and commends; others with
    # a dashboard read the rows within their reach (reports.selectors.evaluation_for).
    ("evaluation", "read"): {**everyone(OWN, COURT_STAFF), Actor.SPC_ADMIN: ALL},
    ("evaluation", "keep"): {Actor.SPC_ADMIN: ALL},
    # The joint meeting's figures, both platforms side by side (reports.joint).
    ("joint", "read"): {Actor.SPC_ADMIN: ALL},
}

ENDPOINTS: dict[str, Endpoint] = {
    **COMMON_ENDPOINTS,
    "reports-dashboard": Endpoint("report", "read"),
    "reports-cases": Endpoint("report", "read"),
    "report-periodic-list": Endpoint("report", "read"),
    "report-periodic-request": Endpoint("report", "request", POST),
    "report-periodic": Endpoint("report", "read"),
    "report-periodic-progress": Endpoint("report", "read"),
    "report-periodic-retry": Endpoint("report", "request", POST),
    "report-periodic-file": Endpoint("report", "read"),
    "report-joint": Endpoint("joint", "read"),
    "report-joint-copy": Endpoint("joint", "read"),
    "evaluation-home": Endpoint("evaluation", "read"),
    "evaluation-scheme-new": Endpoint("evaluation", "keep", POST),
    "evaluation-run": Endpoint("evaluation", "keep", POST),
    "evaluation": Endpoint("evaluation", "read"),
    "evaluation-commend": Endpoint("evaluation", "keep", POST),
    "home": Endpoint("work", "home"),
    "case-list": Endpoint("case", "read"),
    "case-new": Endpoint("case", "register", BOTH),
    "case-detail": Endpoint("case", "read"),
    "case-ask-consent": Endpoint("case", "ask_consent", POST),
    "case-consent": Endpoint("case", "ask_consent", POST),
    "case-joint-choice": Endpoint("case", "ask_consent", POST),
    "case-appointment-request": Endpoint("case", "ask_consent", POST),
    "case-delegate": Endpoint("case", "delegate", POST),
    "case-recall": Endpoint("case", "delegate", POST),
    "case-back-to-court": Endpoint("case", "delegate", POST),
    "case-correct": Endpoint("case", "correct", BOTH),
    "case-void": Endpoint("case", "correct", BOTH),
    "case-judge": Endpoint("case", "assign_judge", POST),
    "case-document-issue": Endpoint("mediation_document", "issue", POST),
    "case-document-refusal": Endpoint("mediation_document", "issue", POST),
    "case-document": Endpoint("case", "read"),
    "case-service-consent": Endpoint("service", "record", POST),
    "case-service-other-means": Endpoint("service", "record", POST),
    "confirmation-service-consent": Endpoint("service", "record", POST),
    "confirmation-service-other-means": Endpoint("service", "record", POST),
    "party-document-receipt": Endpoint("case", "sign_receipt_as_party", POST),
    "confirmation-list": Endpoint("confirmation", "read"),
    "confirmation-new": Endpoint("confirmation", "receive", BOTH),
    "confirmation-detail": Endpoint("confirmation", "read"),
    "confirmation-agreement": Endpoint("confirmation", "read"),
    "confirmation-ruling": Endpoint("confirmation", "read"),
    "confirmation-accept": Endpoint("confirmation", "receive", POST),
    "confirmation-not-accept": Endpoint("confirmation", "receive", POST),
    "confirmation-material": Endpoint("confirmation", "review", POST),
    "confirmation-material-answered": Endpoint("confirmation", "review", POST),
    "confirmation-extend": Endpoint("confirmation", "review", POST),
    "confirmation-rule": Endpoint("confirmation", "review", POST),
    "confirmation-withdraw": Endpoint("confirmation", "withdraw", POST),
    "party-confirmations": Endpoint("confirmation", "list_as_party"),
    "party-confirmation": Endpoint("confirmation", "read_as_party"),
    "party-confirmation-ruling": Endpoint("confirmation", "read_as_party"),
    "roster": Endpoint("roster", "read"),
    "roster-export": Endpoint("roster", "read"),
    "roster-remove": Endpoint("roster", "decide", POST),
    "roster-request-adoption": Endpoint("roster", "adopt", POST),
    "roster-certificate": Endpoint("roster", "read"),
    "roster-confirm": Endpoint("roster", "decide", POST),
    "roster-reject": Endpoint("roster", "decide", POST),
    "public-roster": Endpoint("public", "read"),
    "public-roster-court": Endpoint("public", "read"),
    "public-certificate": Endpoint("public", "read"),
    "consent-link": Endpoint("consent_link", "open"),
    "party-cases": Endpoint("case", "list_as_party"),
    "party-case": Endpoint("case", "read_as_party"),
    "party-consent": Endpoint("case", "answer_as_party", BOTH),
    "party-choose": Endpoint("case", "answer_as_party", POST),
    # The REST API (a court's case-management system, with a user's token): "METHOD /path" as in its OpenAPI.
    "GET /api/v1/cases": Endpoint("case", "read"),
    "POST /api/v1/cases": Endpoint("case", "register", POST),
    "GET /api/v1/cases/{case_id}": Endpoint("case", "read"),
    "GET /api/v1/cases/{case_id}/story": Endpoint("case", "read"),
    "POST /api/v1/cases/{case_id}/ask-consent": Endpoint("case", "ask_consent", POST),
    "POST /api/v1/cases/{case_id}/consents": Endpoint("case", "ask_consent", POST),
    "POST /api/v1/cases/{case_id}/delegate": Endpoint("case", "delegate", POST),
    "POST /api/v1/cases/{case_id}/recall": Endpoint("case", "delegate", POST),
    "POST /api/v1/cases/{case_id}/back-to-court": Endpoint("case", "delegate", POST),
    "POST /api/v1/cases/{case_id}/correct": Endpoint("case", "correct", POST),
    "POST /api/v1/cases/{case_id}/void": Endpoint("case", "correct", POST),
    "GET /api/v1/organisations": Endpoint("roster", "read"),
    "GET /api/v1/cases/{case_id}/recommendations": Endpoint("case", "read"),
    "POST /api/v1/cases/{case_id}/joint-choice": Endpoint("case", "ask_consent", POST),
    "POST /api/v1/cases/{case_id}/appointment-request": Endpoint("case", "ask_consent", POST),
    "GET /api/v1/roster": Endpoint("roster", "read"),
    "GET /api/v1/roster/adoptable": Endpoint("roster", "read"),  # higher courts' entries, as published
    "POST /api/v1/roster/adoptable/{entry_id}/request": Endpoint("roster", "adopt", POST),
    "GET /api/v1/roster/proposals": Endpoint("roster", "read"),
    "POST /api/v1/roster/proposals/{proposal_id}/confirm": Endpoint("roster", "decide", POST),
    "POST /api/v1/roster/proposals/{proposal_id}/reject": Endpoint("roster", "decide", POST),
    "POST /api/v1/roster/{entry_id}/remove": Endpoint("roster", "decide", POST),
    # The API's own description.
    "GET /api/v1/openapi.json": Endpoint("public", "read"),
    "GET /api/v1/docs": Endpoint("public", "read"),
}
