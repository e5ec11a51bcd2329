"""The investor platform's permission matrix (issue 14): who may do what to which kind of object, and which page
or API operation is which (kind, action). The generated test (tests/investor/test_permission_matrix.py) walks
every URL and every REST operation against it; `permissions.py` holds the reach (the scopes below).

Reach OWN: an organisation's administrator — their organisation, its delegations, applications and mediators;
a mediator — the cases assigned to them (and the adoption requests about them); a regional office or
affiliated unit — the organisations registered under it and their mediators; a party (or whoever acts for
them) — the cases in which they are a party. The Bureau reaches every organisation (ALL)."""

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

OWN, ALL = Reach.OWN, Reach.ALL
SUPERVISORS = {Actor.REGIONAL_OFFICE: OWN, Actor.AFFILIATED_UNIT: OWN}
OVERSEERS = {Actor.BUREAU: ALL, **SUPERVISORS}
KEEPERS = {**OVERSEERS, Actor.ORG_ADMIN: OWN}  # may keep an organisation's record (permissions.may_edit)
ORGANISATION_STAFF = {Actor.ORG_ADMIN: OWN, Actor.MEDIATOR: OWN}
PARTY_SIDE = {Actor.INVESTOR: OWN, Actor.FIRM: OWN, Actor.AGENT: OWN}

RULES: dict[tuple[str, str], dict[Actor, Reach]] = {
    **COMMON_RULES,
    ("sign_up", "use"): everyone(),
    # The home page: an organisation's work queue; the Bureau, supervisors and parties are sent on to theirs.
    ("work", "home"): {**ORGANISATION_STAFF, Actor.BUREAU: ALL, **SUPERVISORS, **PARTY_SIDE},
    # Delegations from the courts: the organisation's administrator, and the mediator assigned (§4(5)).
    ("delegation", "read"): ORGANISATION_STAFF,
    ("delegation", "list"): everyone(OWN, SIGNED_IN),  # as far as one may see (none but for the organisation)
    ("delegation", "answer"): {Actor.ORG_ADMIN: OWN},  # accept, decline, assign a mediator
    ("delegation", "result"): {Actor.MEDIATOR: OWN},  # record the result (API)
    # The mediators of one's own institution (API; none but for an organisation's staff).
    ("mediator", "assignable"): everyone(OWN, SIGNED_IN),
    # The mediation workspace: the mediator works it, the administrator reads it and decides recusals, a party
    # reads what is addressed to them and acts for their own party (issue 10).
    # An agent (or a firm's staff) sees the party's view of a mediation whose party row the party's own account
    # is linked to, within a power of attorney in force, and acts as the party within its scopes
    # (permissions.represented_rows / acting_as); never the other side's caucus.
    ("mediation", "read"): {**ORGANISATION_STAFF, **PARTY_SIDE},
    ("mediation", "act"): {**ORGANISATION_STAFF, **PARTY_SIDE},
    ("mediation", "list_as_party"): everyone(OWN, SIGNED_IN),  # one's own (staff find none)
    ("room_guest", "enter"): everyone(),  # the invitation link sent to the guest's mobile is the credential
    ("mediation", "join"): {Actor.INVESTOR: OWN, Actor.FIRM: OWN},  # the holder of a party account
    # The mediation agreement (issue 11; L10): the case's mediator drafts, revises, freezes and withdraws it; the
    # organisation's administrator reads it; the parties read it and say how its terms were performed, and so
    # does an agent acting for a party within its power of attorney (agreements.selectors.viewer_for).
    ("agreement", "read"): {**ORGANISATION_STAFF, **PARTY_SIDE},
    # The mediator (or, for an agreement signed on paper, the organisation's administrator) uploads the scan;
    # signing is each signer's own (agreements.sign_agreement).
    ("agreement", "act"): {**ORGANISATION_STAFF, **PARTY_SIDE},
    # Judicial confirmation (issue 11 §4; L11): whoever reads the agreement reads the application, the court's
    # decisions and its ruling; the parties, and agents within the «sign» scope, join the joint application.
    ("confirmation", "read"): {**ORGANISATION_STAFF, **PARTY_SIDE},
    ("confirmation", "apply"): PARTY_SIDE,
    # The satisfaction survey (issue 13 §1): each party, or its agent within the «messages» scope, answers once
    # after the mediation ended; the organisation and its overseers read only the figures (reports).
    ("survey", "read"): PARTY_SIDE,
    ("survey", "answer"): PARTY_SIDE,
    # Direct applications (not through a court): the organisation decides; the respondent firm answers once the
    # organisation has accepted.
    # answers. An investor applies in person (a natural person's own verified account).
    ("application", "apply"): {Actor.INVESTOR: OWN},
    ("application", "list"): everyone(OWN, SIGNED_IN),
    ("application", "read"): {**ORGANISATION_STAFF, Actor.INVESTOR: OWN, Actor.FIRM: OWN},
    ("application", "decide"): {Actor.ORG_ADMIN: OWN},
    ("application", "respond"): {Actor.FIRM: OWN},
    ("application", "withdraw"): {Actor.INVESTOR: OWN},
    # The registry (§4(3)(4)).
    ("registry", "index"): everyone(OWN, SIGNED_IN),  # sends each to their own page
    ("registry", "overview"): {Actor.BUREAU: ALL},  # the Bureau's overview and information updates
    ("registry", "supervision"): SUPERVISORS,
    # As far as one may see: the Bureau every organisation, a supervisor its own, an administrator theirs; none
    # for anyone else.
    ("organisation", "list"): {**everyone(OWN, SIGNED_IN), Actor.BUREAU: ALL},
    ("organisation", "read"): KEEPERS,
    ("organisation", "create"): {Actor.BUREAU: ALL},
    ("organisation", "edit"): KEEPERS,
    ("organisation", "status"): OVERSEERS,
    ("organisation", "confirm"): KEEPERS,
    ("organisation", "push"): {Actor.BUREAU: ALL},
    ("mediator", "read"): KEEPERS,
    ("mediator", "edit"): KEEPERS,
    ("mediator", "push"): SUPERVISORS,
    ("proposal", "list"): {**everyone(OWN, SIGNED_IN), Actor.BUREAU: ALL},
    ("court", "list"): everyone(ALL, SIGNED_IN),  # the directory of courts (public facts)
    # A lower court's request to take over a higher court's entry: the organisation's administrator answers, or
    # the mediator in person (L23).
    ("adoption", "answer"): {Actor.ORG_ADMIN: OWN, Actor.MEDIATOR: OWN},
    # Excel import and export of the registry.
    ("registry_files", "use"): KEEPERS,
    ("registry_files", "export_organisations"): OVERSEERS,
    # Mediators' training (issue 13 §6): whoever keeps the organisation's record keeps its mediators' training — its
    # administrator, its supervising body, the Bureau (permissions.ensure_keeps_training); they read the requirement
    # in force, which the Bureau alone sets.
    ("training", "read"): KEEPERS,
    ("training", "keep"): KEEPERS,
    ("training_requirement", "read"): KEEPERS,
    ("training_requirement", "keep"): {Actor.BUREAU: ALL},
    # Typical cases (issue 13 §7): an organisation's administrator proposes its closed cases and revises or
    # withdraws them; the Bureau and the organisation's supervising body compare, correct and publish or return
    # them (typical.selectors.typical_case_for); the published ones are public.
    ("typical_case", "list"): {**everyone(OWN, SIGNED_IN), Actor.BUREAU: ALL},
    ("typical_case", "propose"): {Actor.ORG_ADMIN: OWN},
    ("typical_case", "read"): {Actor.ORG_ADMIN: OWN, **OVERSEERS},
    ("typical_case", "act"): {Actor.ORG_ADMIN: OWN, **OVERSEERS},
    # Figures: the Bureau every organisation's, a supervisor its own, an organisation its own, a mediator theirs.
    ("report", "read"): {Actor.BUREAU: ALL, **SUPERVISORS, **ORGANISATION_STAFF},
    # Periodic quality-and-efficiency reports (issue 13 §3): whoever has a dashboard asks for the report of their
    # own figures and reads it; the platform-wide ones are read by whoever sees every case (reports.selectors).
    ("report", "request"): {Actor.BUREAU: ALL, **SUPERVISORS, **ORGANISATION_STAFF},
    # Evaluation (issue 13 §4): whoever sees every case keeps the schemes, runs evaluations and commends; others with
    # a dashboard read the rows within their reach (reports.selectors.evaluation_for).
    ("evaluation", "read"): {Actor.BUREAU: ALL, **SUPERVISORS, **ORGANISATION_STAFF},
    ("evaluation", "keep"): {Actor.BUREAU: ALL},
    # The joint meeting's figures, both platforms side by side (reports.joint).
    ("joint", "read"): {Actor.BUREAU: ALL},
}

ENDPOINTS: dict[str, Endpoint] = {
    **COMMON_ENDPOINTS,
    "reports-dashboard": Endpoint("report", "read"),
    "typical-cases": Endpoint("typical_case", "list"),
    "typical-case-propose": Endpoint("typical_case", "propose", BOTH),
    "typical-case": Endpoint("typical_case", "read"),
    "typical-case-act": Endpoint("typical_case", "act", POST),
    "public-typical-cases": Endpoint("public", "read"),
    "public-typical-case": Endpoint("public", "read"),
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
    "party-sign-up": Endpoint("sign_up", "use", BOTH),
    "home": Endpoint("work", "home"),
    "delegation-list": Endpoint("delegation", "read"),
    "delegation-detail": Endpoint("delegation", "read"),
    "delegation-accept": Endpoint("delegation", "answer", POST),
    "delegation-decline": Endpoint("delegation", "answer", POST),
    "delegation-assign": Endpoint("delegation", "answer", POST),
    # The assigned mediator corrects a result recorded by mistake, within the window (issue 15 §4).
    "delegation-correct-result": Endpoint("delegation", "result", POST),
    "mediation-workspace": Endpoint("mediation", "read"),
    "mediation-act": Endpoint("mediation", "act", POST),
    "mediation-evidence": Endpoint("mediation", "read"),
    "mediation-mine": Endpoint("mediation", "list_as_party"),
    # An online session's room (issue 12): entering takes a seat (the waiting room), so it is an act.
    "mediation-room": Endpoint("mediation", "act"),
    "mediation-room-ticket": Endpoint("mediation", "act", POST),
    "mediation-recording-upload": Endpoint("mediation", "act", POST),
    "mediation-recording-part": Endpoint("mediation", "act", POST),
    "mediation-recording": Endpoint("mediation", "read"),
    "mediation-attendance": Endpoint("mediation", "read"),
    "mediation-recording-agree": Endpoint("mediation", "act", POST),
    "mediation-room-invite": Endpoint("mediation", "act", POST),
    "mediation-room-guest-identity": Endpoint("mediation", "act", POST),
    # A guest of an online session (a judge, an interpreter) has no account here: the signed link is the key.
    "mediation-guest-room": Endpoint("room_guest", "enter"),
    "mediation-guest-ticket": Endpoint("room_guest", "enter", POST),
    "mediation-join": Endpoint("mediation", "join", POST),
    "agreement": Endpoint("agreement", "read"),
    "agreement-pdf": Endpoint("agreement", "read"),
    "agreement-act": Endpoint("agreement", "act", POST),
    "agreement-signed": Endpoint("agreement", "read"),
    "confirmation": Endpoint("confirmation", "read"),
    "confirmation-ruling": Endpoint("confirmation", "read"),
    "confirmation-act": Endpoint("confirmation", "apply", POST),
    "survey": Endpoint("survey", "read"),
    "survey-answer": Endpoint("survey", "answer", POST),
    "application-list": Endpoint("application", "list"),
    "application-new": Endpoint("application", "apply", BOTH),
    "application-detail": Endpoint("application", "read"),
    "application-accept": Endpoint("application", "decide", POST),
    "application-decline": Endpoint("application", "decide", POST),
    "application-respond": Endpoint("application", "respond", POST),
    "application-withdraw": Endpoint("application", "withdraw", POST),
    # A respondent with no account: the organisation records its offline answer, or ends the procedure.
    "application-respondent-answer": Endpoint("application", "decide", POST),
    "application-unreached": Endpoint("application", "decide", POST),
    "application-evidence": Endpoint("application", "read"),
    "application-mediation": Endpoint("mediation", "read"),
    "application-mediation-act": Endpoint("mediation", "act", POST),
    "registry-index": Endpoint("registry", "index"),
    "registry-overview": Endpoint("registry", "overview"),
    "registry-campaign-start": Endpoint("registry", "overview", POST),
    "registry-supervision": Endpoint("registry", "supervision"),
    "registry-proposals": Endpoint("proposal", "list"),
    "registry-adoption-answer": Endpoint("adoption", "answer", POST),
    "registry-organisations": Endpoint("organisation", "list"),
    "registry-organisation-create": Endpoint("organisation", "create", BOTH),
    "registry-organisation": Endpoint("organisation", "read"),
    "registry-organisation-edit": Endpoint("organisation", "edit", BOTH),
    "registry-organisation-status": Endpoint("organisation", "status", BOTH),
    "registry-organisation-confirm": Endpoint("organisation", "confirm", POST),
    "registry-organisation-push": Endpoint("organisation", "push", BOTH),
    "registry-mediators": Endpoint("mediator", "read"),
    "registry-mediator-create": Endpoint("mediator", "edit", BOTH),
    "registry-mediator": Endpoint("mediator", "read"),
    "registry-mediator-edit": Endpoint("mediator", "edit", BOTH),
    "registry-mediator-status": Endpoint("mediator", "edit", BOTH),
    "registry-mediator-push": Endpoint("mediator", "push", BOTH),
    "training-requirement": Endpoint("training_requirement", "read"),
    "training-requirement-set": Endpoint("training_requirement", "keep", POST),
    "training-organisation": Endpoint("training", "read"),
    "training-record-new": Endpoint("training", "keep", BOTH),
    "training-record-edit": Endpoint("training", "keep", BOTH),
    "training-record-remove": Endpoint("training", "keep", BOTH),
    "training-certificate": Endpoint("training", "read"),
    "import-upload": Endpoint("registry_files", "use", BOTH),
    "import-template": Endpoint("registry_files", "use"),
    "import-job": Endpoint("registry_files", "use"),
    "import-progress": Endpoint("registry_files", "use"),
    "export-organisations": Endpoint("registry_files", "export_organisations"),
    "export-mediators": Endpoint("mediator", "read"),
    # The REST API (an organisation's case-management system, with a user's token): "METHOD /path".
    "GET /api/v1/delegations": Endpoint("delegation", "list"),
    "GET /api/v1/delegations/{delegation_id}": Endpoint("delegation", "read"),
    "POST /api/v1/delegations/{delegation_id}/accept": Endpoint("delegation", "answer", POST),
    "POST /api/v1/delegations/{delegation_id}/decline": Endpoint("delegation", "answer", POST),
    "POST /api/v1/delegations/{delegation_id}/assign": Endpoint("delegation", "answer", POST),
    "POST /api/v1/delegations/{delegation_id}/result": Endpoint("delegation", "result", POST),
    "GET /api/v1/mediators": Endpoint("mediator", "assignable"),
    "GET /api/v1/registry/organisations": Endpoint("organisation", "list"),
    "POST /api/v1/registry/organisations": Endpoint("organisation", "create", POST),
    "GET /api/v1/registry/organisations/{organisation_id}": Endpoint("organisation", "read"),
    "PUT /api/v1/registry/organisations/{organisation_id}": Endpoint("organisation", "edit", ("PUT",)),
    "POST /api/v1/registry/organisations/{organisation_id}/status": Endpoint("organisation", "status", POST),
    "GET /api/v1/registry/organisations/{organisation_id}/mediators": Endpoint("mediator", "read"),
    "POST /api/v1/registry/organisations/{organisation_id}/mediators": Endpoint("mediator", "edit", POST),
    "POST /api/v1/registry/mediators/{mediator_id}/status": Endpoint("mediator", "edit", POST),
    "GET /api/v1/registry/courts": Endpoint("court", "list"),
    "POST /api/v1/registry/proposals": Endpoint("organisation", "push", POST),
    "GET /api/v1/registry/adoption-requests": Endpoint("proposal", "list"),
    "POST /api/v1/registry/adoption-requests/{proposal_id}/consent": Endpoint("adoption", "answer", POST),
    "POST /api/v1/registry/adoption-requests/{proposal_id}/refuse": Endpoint("adoption", "answer", POST),
    "GET /api/v1/registry/proposals": Endpoint("proposal", "list"),
    "GET /api/v1/openapi.json": Endpoint("public", "read"),
    "GET /api/v1/docs": Endpoint("public", "read"),
}
