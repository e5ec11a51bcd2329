"""Registry rows locked for an action that changes them."""

from ..models import MediationOrg, Mediator


def locked_org(org) -> MediationOrg:
    # Only this row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return MediationOrg.objects.select_for_update(of=("self",)).select_related("institution__parent").get(pk=org.pk)


def locked_mediator(mediator) -> Mediator:
    return (
        Mediator.objects.select_for_update(of=("self",))
        .select_related("organisation__registry", "organisation__parent")
        .get(pk=mediator.pk)
    )
