"""What a court case is found by (sutiao.listing): its number, its parties' names (and the credit codes of
legal persons and organisations, which are public), the organisations it went to and their mediators; a
natural person's identity number only whole, by its keyed digest. Actions call `index_cases` in their
transaction whenever one of these changes; a bulk action that holds the cases already computes their columns
with `case_search_columns`."""

from django.db.models import Prefetch

from sutiao.kernel.enums import PartyKind
from sutiao.listing import search_columns, store_search_columns

from .models import Case, Delegation


def case_search_columns(case: Case, delegations) -> dict:
    """The columns of `case` (its parties prefetched, its chosen organisation and mediator loaded) given all
    its `delegations` (their organisations loaded)."""
    texts, numbers = [case.number], []
    for party in case.parties.all():
        texts.append(party.name)
        numbers.append(party.id_number)
        if party.kind != PartyKind.NATURAL_PERSON and party.id_number:
            texts.append(party.id_number)
    for d in delegations:
        texts += [d.organisation.name, d.mediator_name]
    texts += [
        case.chosen_organisation.name if case.chosen_organisation else "",
        case.chosen_mediator.name if case.chosen_mediator else "",
    ]
    return search_columns(texts, numbers)


def index_cases(case_ids) -> None:
    cases = (
        Case.objects.filter(pk__in=list(case_ids))
        .select_related("chosen_organisation", "chosen_mediator")
        .prefetch_related("parties", Prefetch("delegations", Delegation.objects.select_related("organisation")))
    )
    store_search_columns(Case, {c.pk: case_search_columns(c, c.delegations.all()) for c in cases})
