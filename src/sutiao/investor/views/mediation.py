"""The mediator's workspace (one page per case), the same page read by the organisation's administrator, and
a party's view of it: each shows what `mediation.selectors` lets that viewer see, and offers the actions the
viewer may take. Every form posts to `act`, which runs one action."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts import parties as party_accounts
from sutiao.confirm import confirmation, confirmed
from sutiao.documents.downloads import download_response
from sutiao.forms_actions import submit
from sutiao.kernel.agreement import format_yuan
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import FAILURE_GROUNDS
from sutiao.kernel.workflow import AgreementState
from sutiao.listing import PAGE_SIZE, next_url, page
from sutiao.translation import refusal

from ..actions import applications as application_actions
from ..actions import delegations as delegation_actions
from ..actions import mediation as actions
from ..agreements.selectors import current_agreement
from ..forms import mediation as f
from ..mediation import period, selectors
from ..mediation.models import GuestRole


def _page(request, qs, keys, param="cursor", size=None):
    """A page of a list; a forged or stale cursor says so and shows the first page."""
    size = size or PAGE_SIZE
    try:
        return page(qs, keys, request.GET.get(param), size=size)
    except DomainError as e:
        messages.error(request, refusal(e))
        return page(qs, keys, size=size)


def _agreed_terms(m) -> str:
    """The success's terms, offered from the agreement when there is one (issue 11): its current version, named by
    number and hash, so the result the court receives points at the agreement the parties sign."""
    agreement = current_agreement(m)
    if agreement is None or agreement.state == AgreementState.VOID:
        return ""
    v = agreement.current
    lines = [_("调解协议第%(n)s版（SHA-256：%(sha)s）") % {"n": v.number, "sha": v.sha256}, v.clauses]
    lines += [
        f"{t.position}. {t.obligor.name} → {t.obligee.name}：{t.description or t.get_kind_display()}"
        + (f" {format_yuan(t.amount)}元" if t.amount is not None else "")
        + f"，{cn_date(t.due)}前"
        for t in v.terms.select_related("obligor", "obligee")
    ]
    return "\n".join(lines)


def _forms(d, m, viewer, bound: dict):
    """Every form the viewer may use, bound where a submission failed."""

    def pick(name, factory):
        return bound.get(name) or factory()

    out = {}
    if viewer.mediator and m.is_open:
        out |= {
            "notify": pick("notify", lambda: f.NotifyForm(mediation=m, prefix="notify")),
            "appraisal_start": pick("appraisal_start", lambda: f.AppraisalStartForm(prefix="appraisal_start")),
            "appraisal_end": pick("appraisal_end", lambda: f.AppraisalEndForm(prefix="appraisal_end")),
            "extension": pick("extension", lambda: f.ExtensionForm(prefix="extension")),
            "session": pick("session", lambda: f.SessionForm(mediation=m, prefix="session")),
            "message": pick("message", lambda: f.MessageForm(mediation=m, prefix="message")),
            "record": pick("record", lambda: f.RecordForm(prefix="record")),
            "disclose": pick("disclose", lambda: f.DiscloseForm(prefix="disclose")),
            "end": pick("end", lambda: f.EndForm(mediation=m, prefix="end", initial={"terms": _agreed_terms(m)})),
        }
    if (viewer.mediator or viewer.party) and m.is_open:
        out["evidence"] = pick(
            "evidence", lambda: f.EvidenceForm(mediation=m, mediator=viewer.mediator, prefix="evidence")
        )
    if viewer.party and m.is_open:
        out |= {
            "party_message": pick("party_message", lambda: f.PartyMessageForm(prefix="party_message")),
            "recusal": pick("recusal", lambda: f.RecusalForm(prefix="recusal")),
        }
    if viewer.admin and m.is_open:
        out["decide"] = pick("decide", lambda: f.DecideRecusalForm(organisation_id=d.organisation_id, prefix="decide"))
    return out


@login_required
def workspace(request, delegation_id, bound=None):
    d, m, viewer = selectors.workspace_for(request.user, delegation_id)
    records = list(m.records.prefetch_related("confirmations__party"))
    latest = records[0] if records else None
    confirmed = {c.party_id for c in latest.confirmations.all()} if latest else set()
    extensions = list(m.extensions.prefetch_related("consents__party"))
    sessions = list(selectors.sessions_for(viewer, m))
    evidence = _page(request, selectors.evidence_for(viewer, m), ("-at", "-id"), "evidence", size=20)
    return render(
        request,
        "investor/mediation_workspace.html",
        {
            "d": d,
            "m": m,
            "viewer": viewer,
            "days_left": (m.due - china_today()).days if m.due else None,
            "parties": list(m.parties.all()),
            "notifications": list(m.notifications.select_related("party")) if not viewer.party else [],
            "appraisal_open": m.appraisals.filter(ended_on__isnull=True).exists(),
            "extensions": extensions,
            "open_extension": next((e for e in extensions if e.open), None),
            "sessions": sessions,
            "held_forms": {s.pk: f.HeldForm(session=s, prefix=f"held-{s.pk}") for s in sessions if not s.held_at},
            "identity_form": f.IdentityForm(prefix="identity"),
            "thread": list(selectors.messages_for(viewer, m)),
            "evidence": evidence.items,
            "evidence_next": next_url(request, evidence, "evidence"),
            "upload_mb": f"{settings.SUTIAO_UPLOAD_MAX_BYTES / 2**20:g}",
            "latest_record": latest,
            "confirmed": confirmed,
            "disclosures": list(m.disclosures.all()),
            "recusals": list(m.recusals.select_related("party", "mediator", "new_mediator")),
            "forms": _forms(d, m, viewer, bound or {}),
            "act_url": "application-mediation-act" if m.direct else "mediation-act",
            "period_source": period.rule(m).citation,
            "failure_grounds": sorted(FAILURE_GROUNDS),
            "agreement": current_agreement(m),
            "guest_roles": GuestRole.choices,
        },
    )


def _back(d):
    """The workspace's own address (a delegated case's, or a direct application's)."""
    return redirect("application-mediation" if d.mediation.direct else "mediation-workspace", d.pk)


def _run(request, d, name, form, action, success):
    if submit(request, form, action, success) is None:
        return workspace(request, d.pk, bound={name: form})
    return _back(d)


def _party(viewer, party_id):
    """One of the viewer's party rows: their own, or one they represent (the action checks the authority)."""
    for p in viewer.parties:
        if str(p.pk) == str(party_id):
            return p
    raise PermissionDenied(_("仅该当事人本人或其授权代理人可进行此操作"))


def _button(request, d, action, success):
    """An action from a plain button: a refusal is shown as a message on the page."""
    try:
        action()
    except DomainError as e:
        messages.error(request, refusal(e))
    else:
        messages.success(request, success)
    return _back(d)


@login_required
@require_POST
def act(request, delegation_id, op):
    d, m, viewer = selectors.workspace_for(request.user, delegation_id)
    user, post = request.user, request.POST
    if op == "notify":
        form = f.NotifyForm(post, mediation=m, prefix="notify")
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.record_notification(
                user,
                m,
                form.cleaned_data["party"],
                form.cleaned_data["channel"],
                form.cleaned_data["at"],
                form.cleaned_data["result"],
                form.cleaned_data["note"],
            ),
            _("已记录通知情况"),
        )
    if op == "appraisal_start":
        form = f.AppraisalStartForm(post, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.start_appraisal(user, m, form.cleaned_data["started_on"], form.cleaned_data["note"]),
            _("调解期限已暂停计算"),
        )
    if op == "appraisal_end":
        form = f.AppraisalEndForm(post, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.end_appraisal(user, m, form.cleaned_data["ended_on"]),
            _("调解期限已恢复计算"),
        )
    if op == "extension":
        form = f.ExtensionForm(post, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.propose_extension(user, m, form.cleaned_data["days"], form.cleaned_data["reason"]),
            _("已提议延长，待各方当事人同意"),
        )
    if op == "extension_answer":
        extension = get_object_or_404(m.extensions, pk=post.get("extension"))
        party = _party(viewer, post.get("party"))
        consented = post.get("consented") == "1"
        return _button(
            request, d, lambda: actions.answer_extension(user, extension, party, consented), _("已答复延长调解期限")
        )
    if op == "session":
        form = f.SessionForm(post, mediation=m, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.schedule_session(
                user,
                m,
                form.cleaned_data["starts_at"],
                form.cleaned_data["mode"],
                form.cleaned_data["place"],
                form.cleaned_data["parties"],
                form.cleaned_data["channel"],
            ),
            _("已安排调解并发出邀请"),
        )
    if op == "identity":
        participant = get_object_or_404(
            selectors.SessionParticipant.objects.filter(session__mediation=m), pk=post.get("participant")
        )
        form = f.IdentityForm(post, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.check_identity(
                user, participant, form.cleaned_data["method"], form.cleaned_data["passed"], form.cleaned_data["warned"]
            ),
            _("已记录身份核实"),
        )
    if op == "held":
        session = get_object_or_404(m.sessions, pk=post.get("session"))
        form = f.HeldForm(post, session=session, prefix=f"held-{session.pk}")
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.record_session_held(
                user, session, form.cleaned_data["attended"], form.cleaned_data["summary"]
            ),
            _("已记录调解举行情况"),
        )
    if op == "message":
        form = f.MessageForm(post, mediation=m, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.post_message(user, m, form.cleaned_data["text"], form.cleaned_data["caucus_with"]),
            _("消息已发送"),
        )
    if op == "party_message":
        form = f.PartyMessageForm(post, prefix=op)
        own = viewer.parties[0] if viewer.parties else None
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.post_message(
                user, m, form.cleaned_data["text"], own if form.cleaned_data["private"] else None
            ),
            _("消息已发送"),
        )
    if op == "evidence":
        form = f.EvidenceForm(post, request.FILES, mediation=m, mediator=viewer.mediator, prefix=op)
        # The mediator uploads for the mediation itself, a party for their own party.
        for_party = None if viewer.mediator else (viewer.parties[0] if viewer.parties else None)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.upload_evidence(
                user,
                m,
                form.cleaned_data["file"],
                form.cleaned_data["title"],
                form.cleaned_data["audience"],
                on_behalf_of=for_party,
                addressed_to=form.cleaned_data.get("addressed_to"),
            ),
            _("证据已提交"),
        )
    if op == "record":
        form = f.RecordForm(post, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.write_record(user, m, form.cleaned_data["text"]),
            _("笔录已保存，待各方当事人确认"),
        )
    if op == "confirm":
        rec = get_object_or_404(m.records, pk=post.get("record"))
        party = _party(viewer, post.get("party"))
        return _button(request, d, lambda: actions.confirm_record(user, rec, party), _("已确认调解笔录"))
    if op == "disclose":
        form = f.DiscloseForm(post, prefix=op)
        return _run(request, d, op, form, lambda: actions.disclose(user, m, form.cleaned_data["text"]), _("已披露"))
    if op == "recusal":
        form = f.RecusalForm(post, prefix=op)
        party = _party(viewer, post.get("party"))
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.request_recusal(user, m, party, form.cleaned_data["kind"], form.cleaned_data["reason"]),
            _("申请已提交，由调解组织决定"),
        )
    if op == "decide":
        request_row = get_object_or_404(m.recusals, pk=post.get("request"))
        form = f.DecideRecusalForm(post, organisation_id=d.organisation_id, prefix=op)
        return _run(
            request,
            d,
            op,
            form,
            lambda: actions.decide_recusal(
                user,
                request_row,
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
                form.cleaned_data["new_mediator"],
            ),
            _("已作出决定"),
        )
    if op == "end":
        form = f.EndForm(post, mediation=m, prefix=op)
        if form.is_valid() and not confirmed(request):
            outcome = MediationOutcome(form.cleaned_data["outcome"])
            return confirmation(
                request,
                title=_("记录调解结果：%(outcome)s") % {"outcome": _(outcome.label)},
                consequence=(
                    _("记录后调解结束，各方当事人将收到通知；此结果不能撤销。")
                    if m.direct
                    else _("记录后调解结束，结果将回传法院，各方当事人将收到通知；此结果不能撤销。")
                ),
                action_label=_("确认记录结果"),
                back_url=_back(d).url,
            )
        return _run(
            request,
            d,
            op,
            form,
            lambda: (application_actions if m.direct else delegation_actions).record_result(
                user,
                d,
                form.cleaned_data["outcome"],
                terms=form.cleaned_data["terms"],
                reason=form.cleaned_data["reason"],
                ground=form.cleaned_data["ground"] or None,
                failure_record=form.failure_record(),
            ),
            _("调解已结束") if m.direct else _("调解已结束，结果将回传法院"),
        )
    raise PermissionDenied(_("不支持的操作"))


@login_required
def evidence_download(request, delegation_id, evidence_id):
    """A piece of evidence, to whoever it is addressed (selectors.evidence_for); checked, audited and streamed
    by sutiao.documents."""
    d, m, viewer = selectors.workspace_for(request.user, delegation_id)
    evidence = selectors.evidence_in(m, evidence_id)
    if evidence is None:
        raise Http404(_("文件不存在，或您无权下载此文件"))
    return download_response(
        request,
        evidence.file,
        permitted=lambda user, stored: selectors.evidence_for(viewer, m).filter(pk=evidence.pk).exists(),
        case=d.case,
    )


@login_required
def my_mediations(request):
    """A party's own cases in mediation on this platform (newest first, paged), and for the holder of a party
    account the way to join the cases registered with their identity number."""
    result = _page(request, selectors.mediations_of_party(request.user), ("-accepted_on", "-pk"))
    return render(
        request,
        "investor/my_mediations.html",
        {
            "rows": result.items,
            "next_url": next_url(request, result),
            "profile": party_accounts.own_profile(request.user),
        },
    )


@login_required
@require_POST
def join(request):
    """Verify the party's identity and link their cases (actions.join_mediations)."""
    try:
        linked = actions.join_mediations(request.user)
    except DomainError as e:
        messages.error(request, refusal(e))
    else:
        messages.success(request, _("实名核验通过，已关联%(n)s个调解案件") % {"n": linked})
    return redirect("mediation-mine")
