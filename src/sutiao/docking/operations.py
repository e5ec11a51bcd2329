"""The operators' page of the docking: parked messages and reconciliation differences, with retry."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sutiao.accounts.decorators import operator_required

from . import relay
from .models import InboxMessage, InboxStatus, OutboxMessage, OutboxStatus, Peer, ReconciliationRun
from .reconcile import reconcile, resend_missing


@operator_required
def overview(request):
    peers = list(Peer.objects.filter(active=True))
    latest = {p.pk: ReconciliationRun.objects.filter(peer=p).first() for p in peers}
    return render(
        request,
        "docking/operations.html",
        {
            "outbox": dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()),
            "waiting": InboxMessage.objects.filter(status=InboxStatus.WAITING).count(),
            "rejected": InboxMessage.objects.filter(status=InboxStatus.REJECTED).select_related("peer")[:100],
            "parked": OutboxMessage.objects.filter(status=OutboxStatus.PARKED).select_related("peer")[:200],
            "runs": [(p, latest[p.pk]) for p in peers],
        },
    )


@operator_required
@require_POST
def retry(request):
    count = relay.retry_parked(request.POST.getlist("message"))
    messages.success(request, f"已重新排队 {count} 条消息")
    return redirect("docking-operations")


@operator_required
@require_POST
def run_reconciliation(request, peer_id):
    run = reconcile(get_object_or_404(Peer, pk=peer_id, active=True))
    if run.error:
        messages.error(request, f"对账失败：{run.error}")
    else:
        messages.success(request, f"对账完成：比对 {run.cases_compared} 件，差异 {len(run.differences)} 处")
    return redirect("docking-operations")


@operator_required
@require_POST
def resend(request, run_id):
    count = resend_missing(get_object_or_404(ReconciliationRun, pk=run_id))
    messages.success(request, f"已将对方缺少的 {count} 条消息重新排队")
    return redirect("docking-operations")
