"""What a received delegation is found by (sutiao.listing): the court's case number and name, the parties'
names (and the credit codes of legal persons and organisations, which are public), the mediator assigned and
the one the parties chose; a natural person's identity number only whole, by its keyed digest. A delegation
gets its columns when it is created (`delegation_search_columns`); actions and inbound handlers call
`index_delegations` in their transaction whenever one of these changes later."""

from sutiao.kernel.enums import PartyKind
from sutiao.listing import search_columns, store_search_columns

from .models import Delegation


def delegation_search_columns(d: Delegation) -> dict:
    texts = [d.court_case_number, d.court_name]
    texts += [d.mediator.display_name if d.mediator else "", d.chosen_mediator.name if d.chosen_mediator else ""]
    numbers = []
    for party in d.parties or []:
        texts.append(party.get("name", ""))
        numbers.append(party.get("id_number", ""))
        if party.get("kind") != PartyKind.NATURAL_PERSON and party.get("id_number"):
            texts.append(party["id_number"])
    return search_columns(texts, numbers)


def index_delegations(delegation_ids) -> None:
    rows = Delegation.objects.filter(pk__in=list(delegation_ids)).select_related("mediator", "chosen_mediator")
    store_search_columns(Delegation, {d.pk: delegation_search_columns(d) for d in rows})
