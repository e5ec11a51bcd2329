"""The permission matrix's vocabulary, and the part both platforms share (issue 14, "prove it").

Each platform declares, in its own `access.py`, one table: for every kind of object and every action on it,
which actors may act and how far their reach goes (`RULES`); and for every page and API operation, which
(kind, action) it is (`ENDPOINTS`). The court's permission functions read their roles from that table (the
investor platform's its registry-files check; its other checks are scopes, held against the table by the walk);
a generated test (`tests/*/test_permission_matrix.py`) walks every URL of the URL configuration and
every operation of the OpenAPI documents with every actor, on objects inside and outside its reach, and checks
the answer against the table — a page or operation the table does not declare fails that test.

Reach: `ALL` — every object of the kind; `OWN` — those of the actor's own court, organisation, supervised
organisations, own cases as a party or as the assigned mediator (what "own" means for each kind is said by the
platform's permission functions and selectors, which the test exercises); an actor missing from a rule has no
reach at all (403, 404, or sent to sign in)."""

from dataclasses import dataclass
from enum import StrEnum

from .models import InstitutionKind, Role, User


class Actor(StrEnum):
    """Everyone the matrix speaks of: the roles, split where one role answers for different bodies."""

    FILING_STAFF = "filing_staff"  # 立案庭工作人员
    JUDGE = "judge"
    COURT_ADMIN = "court_admin"  # a court's administrator (its invited roster)
    SPC_ADMIN = "spc_admin"  # the Supreme People's Court's administrator (the jointly recognised roster)
    BUREAU = "bureau"  # 投资者保护局
    REGIONAL_OFFICE = "regional_office"  # 派出机构
    AFFILIATED_UNIT = "affiliated_unit"  # 会管单位
    ORG_ADMIN = "org_admin"  # a mediation organisation's administrator
    MEDIATOR = "mediator"
    INVESTOR = "investor"  # a party: a natural person
    FIRM = "firm"  # a party: a firm's account (or its authorised staff)
    AGENT = "agent"  # acts for a party within a power of attorney
    OPERATOR = "operator"  # runs the platform (the admin, docking operations)
    ANONYMOUS = "anonymous"
    PEER = "peer"  # the other platform, calling the docking endpoints with a signed request


class Reach(StrEnum):
    ALL = "all"
    OWN = "own"


@dataclass(frozen=True)
class Endpoint:
    """A page or API operation: the (kind, action) it is, and the methods the walk sends it (GET reads; POST
    or PUT writes)."""

    kind: str
    action: str
    methods: tuple[str, ...] = ("GET",)


STAFF = (
    Actor.FILING_STAFF,
    Actor.JUDGE,
    Actor.COURT_ADMIN,
    Actor.SPC_ADMIN,
    Actor.BUREAU,
    Actor.REGIONAL_OFFICE,
    Actor.AFFILIATED_UNIT,
    Actor.ORG_ADMIN,
    Actor.MEDIATOR,
    Actor.OPERATOR,
)
PARTIES = (Actor.INVESTOR, Actor.FIRM, Actor.AGENT)
SIGNED_IN = STAFF + PARTIES
EVERYONE = (*SIGNED_IN, Actor.ANONYMOUS, Actor.PEER)


def everyone(reach: Reach = Reach.ALL, actors=EVERYONE) -> dict:
    return dict.fromkeys(actors, reach)


# What both platforms share: signing in, one's own account, notifications, the docking, the operators' pages.
COMMON_RULES: dict[tuple[str, str], dict[Actor, Reach]] = {
    ("public", "read"): everyone(),
    # Sign-in pages, language choice, password reset: anyone (a signed-in user may be sent on).
    ("sign_in", "use"): everyone(),
    # The second factor is a staff member's (parties, who sign in with a password or an SMS code, are sent on).
    ("second_factor", "use"): everyone(actors=SIGNED_IN),
    ("second_factor", "recovery_codes"): everyone(actors=STAFF),
    # Passkeys (WebAuthn) beside the authenticator app: a staff member's own (accounts.passkeys).
    ("second_factor", "passkeys"): everyone(Reach.OWN, actors=STAFF),
    ("second_factor", "passkey_sign_in"): everyone(actors=STAFF),
    # A lost second factor reset by the institution's administrator, the Bureau (investor platform) or the
    # operator (accounts.two_factor.may_reset).
    ("second_factor", "reset"): {
        Actor.COURT_ADMIN: Reach.OWN,
        Actor.SPC_ADMIN: Reach.OWN,
        Actor.ORG_ADMIN: Reach.OWN,
        Actor.BUREAU: Reach.ALL,
        Actor.OPERATOR: Reach.ALL,
    },
    # What others did on one's behalf (a list of one's own: empty but for parties); a party's copy of their data.
    ("party_account", "read"): everyone(Reach.OWN, actors=SIGNED_IN),
    ("party_account", "my_data"): {Actor.INVESTOR: Reach.OWN, Actor.FIRM: Reach.OWN},
    ("firm_staff", "manage"): {Actor.FIRM: Reach.OWN},
    ("power", "manage"): {Actor.INVESTOR: Reach.OWN, Actor.FIRM: Reach.OWN},
    # A power of attorney's file: the party who granted it and the agent it names.
    ("power", "document"): {Actor.INVESTOR: Reach.OWN, Actor.FIRM: Reach.OWN, Actor.AGENT: Reach.OWN},
    # API tokens: staff of an institution (an institution's administrator sees its users' tokens); operators
    # belong to none.
    ("api_token", "manage"): everyone(Reach.OWN, actors=tuple(a for a in STAFF if a != Actor.OPERATOR)),
    ("notification", "read"): everyone(Reach.OWN, actors=SIGNED_IN),
    # Electronic service (L16): a document served on a party is opened by whoever acts for that party (the read
    # receipt); consent is given online for the parties one acts for (a list of one's own: empty for staff).
    ("served_document", "read"): everyone(Reach.OWN, actors=SIGNED_IN),
    ("service_consent", "give"): everyone(Reach.OWN, actors=SIGNED_IN),
    # The docking endpoints answer only signed requests of a known peer; its OpenAPI document is public.
    ("docking", "exchange"): {Actor.PEER: Reach.ALL},
    ("docking", "contract"): everyone(),
    ("operations", "run"): {Actor.OPERATOR: Reach.ALL},
    ("admin", "use"): {Actor.OPERATOR: Reach.ALL},
}

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

COMMON_ENDPOINTS: dict[str, Endpoint] = {
    "login": Endpoint("sign_in", "use", BOTH),
    "logout": Endpoint("sign_in", "use", POST),
    "sms-login": Endpoint("sign_in", "use", BOTH),
    "party-verify": Endpoint("sign_in", "use", BOTH),
    "two-factor": Endpoint("second_factor", "use", BOTH),
    "recovery-codes": Endpoint("second_factor", "recovery_codes", BOTH),
    "passkeys": Endpoint("second_factor", "passkeys", BOTH),
    "otp_webauthn:credential-registration-begin": Endpoint("second_factor", "passkeys", POST),
    "otp_webauthn:credential-registration-complete": Endpoint("second_factor", "passkeys", POST),
    "otp_webauthn:credential-authentication-begin": Endpoint("second_factor", "passkey_sign_in", POST),
    "otp_webauthn:credential-authentication-complete": Endpoint("second_factor", "passkey_sign_in", POST),
    "otp_webauthn:js-i18n-catalog": Endpoint("public", "read"),
    "second-factor-resets": Endpoint("second_factor", "reset"),
    "second-factor-reset": Endpoint("second_factor", "reset", BOTH),
    "password-reset": Endpoint("sign_in", "use", BOTH),
    "password-reset-sent": Endpoint("sign_in", "use"),
    "password_reset_confirm": Endpoint("sign_in", "use"),
    "password-reset-complete": Endpoint("sign_in", "use"),
    "set_language": Endpoint("sign_in", "use", POST),
    "acts-on-my-behalf": Endpoint("party_account", "read"),
    "firm-staff": Endpoint("firm_staff", "manage", BOTH),
    "powers": Endpoint("power", "manage", BOTH),
    "power-document": Endpoint("power", "document"),
    "api-tokens": Endpoint("api_token", "manage", BOTH),
    "my-data": Endpoint("party_account", "my_data"),
    "notifications": Endpoint("notification", "read"),
    "notification-open": Endpoint("notification", "read", POST),
    "notifications-read-all": Endpoint("notification", "read", POST),
    "served-document": Endpoint("served_document", "read"),
    "served-document-file": Endpoint("served_document", "read"),
    "service-consent": Endpoint("service_consent", "give", BOTH),
    "docking-messages": Endpoint("docking", "exchange", POST),
    "docking-batches": Endpoint("docking", "exchange", POST),
    "docking-feed": Endpoint("docking", "exchange"),
    "docking-cases": Endpoint("docking", "exchange"),
    "docking-courts": Endpoint("docking", "exchange"),
    "docking-audit-heads": Endpoint("docking", "exchange"),
    "docking-statistics": Endpoint("docking", "exchange"),
    "docking-document": Endpoint("docking", "exchange"),
    "docking-openapi": Endpoint("docking", "contract"),
    "docking-operations": Endpoint("operations", "run"),
    "docking-operations-retry": Endpoint("operations", "run", POST),
    "docking-operations-reconcile": Endpoint("operations", "run", POST),
    "docking-operations-resend": Endpoint("operations", "run", POST),
    "public-statistics": Endpoint("public", "read"),
    "ca-crl": Endpoint("public", "read"),
}
# Every page of the operators' admin (django.contrib.admin, its own OTP sign-in) is one endpoint of the matrix,
# but for its own sign-in and sign-out.
ADMIN_NAMESPACE = "admin"
ADMIN_ENDPOINT = Endpoint("admin", "use")
COMMON_ENDPOINTS |= {"admin:login": Endpoint("sign_in", "use", BOTH), "admin:logout": Endpoint("sign_in", "use", POST)}


def actor_of(user: User) -> Actor:
    """The matrix's actor for a signed-in user (or ANONYMOUS)."""
    if not user.is_authenticated:
        return Actor.ANONYMOUS
    institution = user.institution
    if user.role == Role.COURT_ADMIN and institution is not None:
        return Actor.SPC_ADMIN if institution.kind == InstitutionKind.SUPREME_COURT else Actor.COURT_ADMIN
    if user.role == Role.SUPERVISOR:
        if institution is not None and institution.kind == InstitutionKind.AFFILIATED_UNIT:
            return Actor.AFFILIATED_UNIT
        return Actor.REGIONAL_OFFICE
    if user.role == Role.BUREAU_STAFF:
        return Actor.BUREAU
    if user.role == Role.PARTY:
        from sutiao.kernel.enums import PartyKind

        from .models import FirmStaff, PartyProfile

        profile = PartyProfile.objects.filter(user=user).only("kind").first()
        if profile is None:
            return Actor.FIRM if FirmStaff.objects.filter(user=user).exists() else Actor.INVESTOR
        return Actor.INVESTOR if profile.kind == PartyKind.NATURAL_PERSON else Actor.FIRM
    return Actor(user.role)


def reach(rules: dict, actor: Actor, kind: str, action: str) -> Reach | None:
    """How far `actor` reaches for (kind, action) in `rules` (None: not at all). An undeclared (kind, action)
    is a mistake in the table, not a refusal."""
    return rules[(kind, action)].get(actor)
