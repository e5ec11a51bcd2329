"""The mediation document (调解书) of a case the court entrusted to an organisation (委托调解; LEGAL-RULES L15):
the court makes it from the parties' agreement, seals it and serves it on both parties; it takes effect only when
both have signed for receipt (《民事诉讼法》Art. 100 ¶3). A party who refuses to sign for it leaves it without
effect, and the court goes on to judgment (Art. 102). The fee it costs is L18's (kernel.confirmation.half_fee)."""

from collections.abc import Iterable

CIVIL_PROCEDURE = "《中华人民共和国民事诉讼法》"
MEDIATION_DOCUMENT_CITATION = f"{CIVIL_PROCEDURE}第一百条"
REFUSAL_CITATION = f"{CIVIL_PROCEDURE}第一百零二条"
# What the document itself says of its effect (Art. 100 ¶3).
EFFECT_CLAUSE = "本调解书经双方当事人签收后，即具有法律效力。"


def takes_effect(receipted: Iterable, parties: Iterable) -> bool:
    """L15: in force once every party named in it has signed for receipt — not before, whoever else signed."""
    parties = set(parties)
    return bool(parties) and parties <= set(receipted)
