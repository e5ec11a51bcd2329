"""Reading the audit log: a case's trail, page by page, for those who may already see the case (the
operators read the whole log in the admin)."""

from django.core.paginator import Page, Paginator

from .models import AuditRecord

TRAIL_PAGE = 20
TRAIL_PAGE_PARAM = "trail_page"  # the query parameter the trail's paging links use (audit/_trail.html)


def trail_for_case(case_id, page=1, *, object_ids=None) -> Page:
    """The records of a case, newest first, one page (`page` as the request gives it: bad or too large
    values give the nearest page). `object_ids` narrows the trail to records about those objects: on the
    investor platform an organisation sees its own delegation's records, not another organisation's earlier
    delegation of the same case."""
    rows = AuditRecord.objects.filter(case=str(case_id))
    if object_ids is not None:
        rows = rows.filter(object_id__in=[str(pk) for pk in object_ids])
    return Paginator(rows.order_by("-seq"), TRAIL_PAGE).get_page(page)


def trail_page(request) -> str:
    return request.GET.get(TRAIL_PAGE_PARAM, "1")
