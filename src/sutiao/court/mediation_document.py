"""The 民事调解书 of an entrusted case (issue 11 §5; 《民事诉讼法》Art. 100; LEGAL-RULES L15, L18), as the court's
document: the case, the parties, the claims, the result of mediation (the agreed terms), its effect on receipt by
both parties, the fee, the judge and the date. Always Chinese, whatever the page's language."""

import datetime as dt
from decimal import Decimal

from sutiao.documents.pdf import Closing, Document, Para
from sutiao.kernel.calendar import china_date, cn_date
from sutiao.kernel.confirmation import HALF_FEE_CITATION
from sutiao.kernel.mediation_document import EFFECT_CLAUSE

from .models import Case, Delegation


def agreed_terms(delegation: Delegation) -> str:
    """The result of mediation as the agreement in force states it (AGREEMENT_STATUS terms), else as the result
    message reported it."""
    lines = []
    for t in delegation.agreement_terms:
        what = t.get("description") or ("支付" if t.get("kind") == "payment" else "履行")
        amount = f"{Decimal(str(t['amount'])):,.2f}元" if t.get("amount") is not None else ""
        due = cn_date(dt.date.fromisoformat(t["due"]))
        lines.append(f"{t['position']}. {t['obligor']}于{due}前向{t['obligee']}{what}{amount}。")
    return "\n".join(lines) or delegation.terms.strip()


def mediation_document(
    case: Case, delegation: Delegation, terms: str, fee: Decimal, fee_due: Decimal, judge, at: dt.datetime
) -> Document:
    parties = list(case.parties.all())
    claims = "；".join(c.text + (f"（{c.amount:,.2f}元）" if c.amount is not None else "") for c in case.claims.all())
    blocks = [
        Para(case.court.name),
        Para(case.number),
        *[Para(f"{case.role_label(p.role)}：{p.name}") for p in parties],
        Para(f"诉讼请求：{claims or '见起诉状'}"),
        Para(case.facts.strip() or "案件事实见本案卷宗。"),
        Para(
            f"本案审理过程中，经本院委托{delegation.organisation.name}主持调解，当事人自愿达成如下协议"
            f"（调解协议第{delegation.agreement_version}版）："
        ),
        Para(terms),
        Para("上述协议，符合有关法律规定，本院予以确认。"),
        Para(f"案件受理费{fee:,.2f}元，减半收取计{fee_due:,.2f}元（{HALF_FEE_CITATION}）。"),
        Para(EFFECT_CLAUSE),
        Closing.of_court(str(judge), cn_date(china_date(at))),
    ]
    return Document(
        title="民事调解书",
        blocks=tuple(blocks),
        footer=case.number,
        created=at,
        document_id=f"mediation-document:{case.pk}",
        author=case.court.name,
    )
