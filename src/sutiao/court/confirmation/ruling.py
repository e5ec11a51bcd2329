"""The ruling (民事裁定书) on an application for judicial confirmation, as a PDF sealed with the court's electronic
seal (issue 11 §4; 民事诉讼法 Art. 206; LEGAL-RULES L13, L14, L18). The text is always Chinese, whatever the
page's language: it is the court's document."""

import datetime as dt

from sutiao.documents.pdf import Closing, Document, Para
from sutiao.kernel.calendar import china_date, cn_date
from sutiao.kernel.confirmation import (
    CONFIRMATION_FEE_CITATION,
    OBJECTION_PERIOD,
    OUTSIDER_OBJECTION_CITATION,
    RULING_CITATION,
    RejectionGround,
    RulingOutcome,
    what_follows,
)
from sutiao.kernel.enums import PartyRole

from .models import ConfirmationApplication


def ruling_document(application: ConfirmationApplication, decided_at: dt.datetime) -> Document:
    """What the ruling says: the parties, the application, the court's finding and what follows from it."""
    parties = list(application.parties.all())
    applicants = [p for p in parties if p.role == PartyRole.APPLICANT]
    others = [p for p in parties if p.role != PartyRole.APPLICANT]
    names = "、".join(p.name for p in parties)
    day = china_date(decided_at)
    blocks = [
        Para(application.court.name),
        Para(application.number),
        *[Para(f"申请人：{p.name}") for p in applicants],
        *[Para(f"申请人：{p.name}（调解协议的另一方当事人）") for p in others],
        Para(
            f"申请人{names}于{cn_date(china_date(application.received_at))}向本院申请确认其经"
            f"{application.organisation_name}主持调解、于{cn_date(application.agreement_effective_on)}生效的调解协议的"
            f"效力。本院受理后，依法进行了审查。"
        ),
        Para(application.reasons),
    ]
    if application.outcome == RulingOutcome.VALID:
        blocks.append(
            Para(
                f"依照{RULING_CITATION}的规定，裁定如下：申请人{names}经{application.organisation_name}主持调解达成的"
                "调解协议有效。"
            )
        )
    else:
        ground = RejectionGround(application.rejection_ground).label
        blocks.append(
            Para(
                f"本院经审查认为，该调解协议{ground}。依照{RULING_CITATION}的规定，裁定如下：驳回申请人{names}的申请。"
            )
        )
    blocks += [Para("".join(what_follows(RulingOutcome(application.outcome))))]
    blocks += [
        Para(
            f"当事人有异议的，应当自收到本裁定之日起{OBJECTION_PERIOD.length}日内向本院提出；利害关系人有异议的，"
            f"自知道或者应当知道其民事权益受到侵害之日起六个月内提出（{OUTSIDER_OBJECTION_CITATION}）。"
        ),
        Para(f"本案不收取费用（{CONFIRMATION_FEE_CITATION}）。"),
        Closing.of_court(str(application.decided_by), cn_date(day)),
    ]
    return Document(
        title="民事裁定书",
        blocks=tuple(blocks),
        footer=application.number,
        created=decided_at,
        document_id=f"ruling:{application.pk}",
        author=application.court.name,
    )
