"""Demo data both platforms agree on (fixed ids, so the court's organisations are the investor's)."""

import uuid

PASSWORD = "sutiao-demo-2026"
# The demo operator's TOTP key (hex, as django-otp stores it); its base32 form goes into an authenticator app.
OPERATOR_TOTP_KEY = "3132333435363738393031323334353637383930"
OPERATOR_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

SPC = uuid.UUID("00000000-0000-7000-8000-000000000001")
BEIJING_HIGH = uuid.UUID("00000000-0000-7000-8000-000000000002")
BEIJING_4TH_INTERMEDIATE = uuid.UUID("00000000-0000-7000-8000-000000000003")
CHAOYANG = uuid.UUID("00000000-0000-7000-8000-000000000004")
XICHENG = uuid.UUID("00000000-0000-7000-8000-000000000005")

BUREAU = uuid.UUID("00000000-0000-7000-8000-000000000101")
BEIJING_OFFICE = uuid.UUID("00000000-0000-7000-8000-000000000102")
ORGANISATIONS = [
    (uuid.UUID("00000000-0000-7000-8000-000000000201"), "中证资本市场法律服务中心", "org1"),
    (uuid.UUID("00000000-0000-7000-8000-000000000202"), "中国证券业协会证券纠纷调解中心", "org2"),
    (uuid.UUID("00000000-0000-7000-8000-000000000203"), "北京证券期货纠纷调解中心", "org3"),
]

COURT_USERS = [
    # username, full name, role, court
    ("court_filing", "王立案", "filing_staff", CHAOYANG),
    ("court_judge", "李法官", "judge", CHAOYANG),
    ("court_admin", "赵管理", "court_admin", CHAOYANG),
    ("xicheng_filing", "陈立案", "filing_staff", XICHENG),
]
INVESTOR_USERS = [
    ("bureau", "孙投保", "bureau_staff", BUREAU),
    ("beijing_office", "周监管", "supervisor", BEIJING_OFFICE),
    *[(f"{code}_admin", f"{name[:2]}管理员", "org_admin", org_id) for org_id, name, code in ORGANISATIONS],
    *[
        (f"{code}_mediator{i}", f"{'张刘吴'[n]}调解{i}", "mediator", org_id)
        for n, (org_id, _name, code) in enumerate(ORGANISATIONS)
        for i in (1, 2)
    ],
]
