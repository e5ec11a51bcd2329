"""What a court case is found by (sutiao.listing): its number, its parties' names (and the credit codes of
legal persons and organisations, which are public), the organisations it went to and their mediators; a
natural person's identity number only whole, by its keyed digest. Actions call `index_cases` in their
transaction whenever one of these changes."""

from sutiao.kernel.enums import PartyKind
from sutiao.listing import search_columns

from .models import Case, Delegation, Party


def index_cases(case_ids) -> None:
    case_ids = list(case_ids)
    texts: dict = {pk: [] for pk in case_ids}
    numbers: dict = {pk: [] for pk in case_ids}
    for pk, number in Case.objects.filter(pk__in=case_ids).values_list("pk", "number"):
        texts[pk].append(number)
    for case_id, kind, name, id_number in Party.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "kind", "name", "id_number"
    ):
        texts[case_id].append(name)
        numbers[case_id].append(id_number)
        if kind != PartyKind.NATURAL_PERSON and id_number:
            texts[case_id].append(id_number)
    for case_id, organisation, mediator in Delegation.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "organisation__name", "mediator_name"
    ):
        texts[case_id] += [organisation, mediator]
    for case_id, organisation, mediator in Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "chosen_organisation__name", "chosen_mediator__name"
    ):
        texts[case_id] += [organisation or "", mediator or ""]
    Case.objects.bulk_update(
        [Case(pk=pk, **search_columns(texts[pk], numbers[pk])) for pk in case_ids],
        ["search_text", "search_grams"],
        batch_size=500,
    )
