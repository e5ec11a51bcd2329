"""What a received delegation is found by (sutiao.listing): the court's case number and name, the parties'
names (and the credit codes of legal persons and organisations, which are public), the mediator assigned and
the one the parties chose; a natural person's identity number only whole, by its keyed digest. Actions and
inbound handlers call `index_delegations` in their transaction whenever one of these changes."""

from sutiao.kernel.enums import PartyKind
from sutiao.listing import search_columns

from .models import Delegation


def index_delegations(delegation_ids) -> None:
    rows = Delegation.objects.filter(pk__in=list(delegation_ids)).select_related("mediator", "chosen_mediator")
    updated = []
    for d in rows:
        texts = [d.court_case_number, d.court_name]
        texts += [d.mediator.display_name if d.mediator else "", d.chosen_mediator.name if d.chosen_mediator else ""]
        numbers = []
        for party in d.parties or []:
            texts.append(party.get("name", ""))
            numbers.append(party.get("id_number", ""))
            if party.get("kind") != PartyKind.NATURAL_PERSON and party.get("id_number"):
                texts.append(party["id_number"])
        updated.append(Delegation(pk=d.pk, **search_columns(texts, numbers)))
    Delegation.objects.bulk_update(updated, ["search_text", "search_grams"], batch_size=500)
