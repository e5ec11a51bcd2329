"""The agreement page of a mediation (issue 11 §1, §3): the mediator's editor (the clauses and the terms, every
problem shown at once), the version history with each version's PDF, the parties' view of the current draft or
the agreement in force, and each term's performance with the buttons of the party it concerns. Every form posts
to `act`, which runs one action of investor/actions/agreements.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts.client_ip import client_ip
from sutiao.confirm import confirmation, confirmed
from sutiao.documents.downloads import download_response
from sutiao.kernel.agreement import format_yuan
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import AgreementState
from sutiao.listing import next_url, page
from sutiao.translation import refusal

from ..actions import agreements as actions
from ..agreements import selectors
from ..agreements.models import AgreementTerm, PerformanceStep, SignatureKind, SignatureRecord, SigningMethod
from ..forms import agreements as f


def _versions(request, mediation):
    try:
        return page(selectors.versions_of(mediation), ("-created_at", "-id"), request.GET.get("versions"), size=20)
    except DomainError as e:
        messages.error(request, refusal(e))
        return page(selectors.versions_of(mediation), ("-created_at", "-id"), size=20)


def _editor(mediation, agreement, data=None):
    version = agreement.current
    return f.Editor(
        data,
        parties=selectors.parties_of(mediation),
        clauses=version.clauses,
        terms=list(selectors.terms_of(version)),
    )


@login_required
def agreement_page(request, mediation_id, editor=None):
    mediation, viewer = selectors.viewer_for(request.user, mediation_id)
    agreement = selectors.current_agreement(mediation)
    version = agreement.current if agreement else None
    terms = list(selectors.terms_of(version)) if version else []
    confirmations: dict = {}
    for c in selectors.confirmations_of(version) if version else []:
        confirmations.setdefault(c.term_id, []).append(c)
    own = {p.pk for p in viewer.parties}
    in_force = agreement is not None and agreement.state == AgreementState.EFFECTIVE
    rows = [
        {
            "term": t,
            "amount": format_yuan(t.amount) if t.amount is not None else "—",
            "status": actions.status_of(t) if in_force else None,
            "confirmations": confirmations.get(t.pk, []),
            "may_report": in_force and t.obligor_id in own and t.performed_at is None and t.reported_at is None,
            "may_confirm": in_force and t.obligee_id in own and t.performed_at is None,
            "may_dispute": in_force and t.obligee_id in own and t.performed_at is None and t.reported_at is not None,
        }
        for t in terms
    ]
    history = _versions(request, mediation)
    editing = viewer.mediator and agreement is not None and agreement.state == AgreementState.DRAFT
    drafting = agreement is not None and agreement.state == AgreementState.DRAFT
    # What freezing the draft would refuse today (a copied or stale due date that has passed), said up front on
    # the term it concerns; and, for a draft started from a rejected agreement, the court's grounds (L13).
    problems = (
        selectors.version_problems(version, terms, {p.pk for p in selectors.parties_of(mediation)}) if drafting else []
    )
    for problem in problems:
        if problem.index is not None:
            rows[problem.index].setdefault("flags", []).append((problem.field, _(problem.message)))
    if editor is None and editing:
        editor = _editor(mediation, agreement)
        for problem in problems:
            if problem.index is not None and problem.index < len(editor.terms.forms):
                form = editor.terms.forms[problem.index]
                form.flags = [*getattr(form, "flags", []), (problem.field, _(problem.message))]
    signing = _signing(agreement, viewer) if agreement is not None else {}
    return render(
        request,
        "investor/agreement.html",
        {
            "m": mediation,
            "d": mediation.source,
            "viewer": viewer,
            "agreement": agreement,
            "version": version,
            "rows": rows,
            "in_force": in_force,
            "editor": editor,
            "problems": problems,
            "flagged": [r for r in rows if r.get("flags")],
            "origin": selectors.redraft_origin(agreement) if drafting else None,
            "versions": history.items,
            "versions_next": next_url(request, history, "versions"),
            "may_draft": viewer.mediator and selectors.may_draft_anew(agreement),
            "may_withdraw": viewer.mediator
            and agreement is not None
            and agreement.state == AgreementState.SIGNING
            and not agreement.signed_party_ids,
            "may_void": viewer.mediator
            and agreement is not None
            and agreement.state in (AgreementState.DRAFT, AgreementState.SIGNING),
            "workspace_url": "application-mediation" if mediation.direct else "mediation-workspace",
            **signing,
        },
    )


def _signing(agreement, viewer) -> dict:
    """The signatures of the version in signing or in force, each with what `verify` says of the current signed
    bytes (agreements.selectors.signing_status; verified here, on the agreement's own page, never in a list), and
    who the viewer may sign or confirm for now."""
    if agreement.state not in (AgreementState.SIGNING, AgreementState.EFFECTIVE):
        return {"may_upload_paper": (viewer.mediator or viewer.admin) and agreement.state == AgreementState.DRAFT}
    status = selectors.signing_status(agreement)
    reports = {r.field: r for r in status.verification.signatures} if status.verification else {}
    recorded = {r.field for r in status.records if r.field}
    rows = [{"record": r, "report": reports.get(r.field)} for r in status.records]
    # A signature in the file that no record accounts for (added outside the platform) is shown too.
    rows += [{"record": None, "report": rep} for name, rep in reports.items() if name not in recorded]
    open_for = []
    if agreement.state == AgreementState.SIGNING:
        done = set(agreement.signed_party_ids)
        if agreement.method == SigningMethod.ONLINE:
            mediator_signed = any(r.kind == SignatureKind.MEDIATOR for r in status.records)
            if viewer.mediator and not mediator_signed:
                open_for.append((None, _("以调解员身份签署")))
            if mediator_signed:
                open_for += [(p, p.name) for p in viewer.parties if p.pk not in done]
        else:
            open_for += [(p, p.name) for p in viewer.parties if p.pk not in done]
    return {
        "signing": status,
        "signature_rows": rows,
        "sign_for": open_for,
        "may_upload_paper": (viewer.mediator or viewer.admin)
        and agreement.state == AgreementState.SIGNING
        and not status.records,
    }


def _back(mediation):
    return redirect("agreement", mediation.pk)


def _button(request, mediation, action, success):
    try:
        action()
    except DomainError as e:
        messages.error(request, refusal(e))
    else:
        messages.success(request, success)
    return _back(mediation)


def _own_party(viewer, party_id):
    for p in viewer.parties:
        if str(p.pk) == str(party_id):
            return p
    raise PermissionDenied(_("仅该当事人本人或其授权代理人可确认履行情况"))


@login_required
@require_POST
def act(request, mediation_id, op):
    mediation, viewer = selectors.viewer_for(request.user, mediation_id)
    user, post = request.user, request.POST
    agreement = selectors.current_agreement(mediation)
    if op == "draft":
        redraft = agreement is not None and agreement.state == AgreementState.EFFECTIVE
        done = _("已以原调解协议为基础另行起草，请按法院驳回的理由修改") if redraft else _("已按模板起草调解协议")
        return _button(request, mediation, lambda: actions.draft_agreement(user, mediation), done)
    if agreement is None:
        raise Http404(_("尚未制作调解协议"))
    if op == "revise":
        editor = _editor(mediation, agreement, post)
        if editor.check():
            try:
                actions.revise_agreement(
                    user,
                    agreement,
                    editor.form.cleaned_data["clauses"],
                    editor.inputs(),
                    editor.form.cleaned_data["note"],
                )
            except actions.AgreementProblems as e:
                editor.show_problems(e.problems)
            except DomainError as e:
                editor.form.add_error(None, refusal(e))
            else:
                messages.success(request, _("已保存为新版本"))
                return _back(mediation)
        messages.error(request, _("请检查填写的内容"))
        return agreement_page(request, mediation_id, editor=editor)
    if op == "submit":
        if not confirmed(request):
            return confirmation(
                request,
                title=_("定稿，提交签署"),
                consequence=_("定稿后本版本不能再修改，各方当事人将收到签署通知；在任何一方签署前可撤回修改。"),
                action_label=_("确认定稿"),
                back_url=_back(mediation).url,
            )
        return _button(request, mediation, lambda: actions.submit_for_signing(user, agreement), _("已定稿，待各方签署"))
    if op in ("withdraw", "void"):
        reason = post.get("reason", "")
        action = actions.withdraw_from_signing if op == "withdraw" else actions.void_agreement
        done = _("已撤回修改") if op == "withdraw" else _("调解协议已作废")
        return _button(request, mediation, lambda: action(user, agreement, reason), done)
    if op in ("code", "sign", "confirm-paper"):
        party = _signing_party(mediation, post.get("party"))
        if op == "code":
            return _send_code(request, mediation, agreement, party)
        form = f.SigningCodeForm(post)
        if not form.is_valid():
            messages.error(request, _refusal_of(form))
            return _back(mediation)
        code = form.cleaned_data["code"].strip()
        if op == "sign":
            return _button(
                request, mediation, lambda: actions.sign_agreement(user, agreement, party, code), _("已签署")
            )
        return _button(
            request, mediation, lambda: actions.confirm_paper_agreement(user, agreement, party, code), _("已确认")
        )
    if op == "paper":
        form = f.PaperForm(post, request.FILES)
        if not form.is_valid():
            messages.error(request, _refusal_of(form))
            return _back(mediation)
        return _button(
            request,
            mediation,
            lambda: actions.upload_paper_agreement(
                user, agreement, form.cleaned_data["file"], offline=form.cleaned_data["offline"]
            ),
            _("已上传，待各方当事人在线确认"),
        )
    if op == "perform":
        term = get_object_or_404(AgreementTerm.objects.filter(version=agreement.current_id), pk=post.get("term"))
        party = _own_party(viewer, post.get("party"))
        form = f.PerformanceForm(post)
        if not form.is_valid():
            messages.error(request, _("请检查填写的内容"))
            return _back(mediation)
        step = PerformanceStep(form.cleaned_data["step"])
        return _button(
            request,
            mediation,
            lambda: actions.confirm_performance(user, term, party, step, form.cleaned_data["note"]),
            _("已记录：%(step)s") % {"step": step.label},
        )
    raise PermissionDenied(_("不支持的操作"))


def _refusal_of(form) -> str:
    return next(iter(e for errors in form.errors.values() for e in errors))


def _signing_party(mediation, party_id):
    """The party row a signature is for, or None for the mediator's own (no party given)."""
    if not party_id:
        return None
    party = mediation.parties.filter(pk=party_id).first() if str(party_id).isdigit() else None
    if party is None:
        raise Http404(_("没有这个当事人"))
    return party


def _send_code(request, mediation, agreement, party):
    try:
        masked = actions.send_signing_code(request.user, agreement, party, client_ip(request))
    except DomainError as e:
        messages.error(request, refusal(e))
    else:
        messages.success(request, _("验证码已发送至 %(mobile)s，5分钟内有效") % {"mobile": masked})
    return _back(mediation)


@login_required
def signed_file(request, mediation_id, file_id):
    """A signed revision of the agreement, or the scan of one signed on paper, to whoever reads the agreement
    (selectors.viewer_for); checked against its hash, audited and streamed by sutiao.documents."""
    mediation, _viewer = selectors.viewer_for(request.user, mediation_id)
    record = SignatureRecord.objects.filter(agreement__mediation=mediation, file_id=file_id).select_related("file")
    found = record.first()
    stored = found.file if found else None
    if stored is None:
        scan = mediation.agreements.filter(paper_scan_id=file_id).select_related("paper_scan").first()
        stored = scan.paper_scan if scan else None
    if stored is None:
        raise Http404(_("文件不存在，或您无权下载此文件"))
    return download_response(request, stored, permitted=lambda user, s: s.pk == stored.pk, case=mediation.case_ref)


@login_required
def version_pdf(request, mediation_id, version_id):
    """A version's PDF, to the mediation's mediator, the organisation's administrator, its parties and whoever acts
    for them (selectors.viewer_for); checked against its hash, audited and streamed by sutiao.documents."""
    mediation, _viewer = selectors.viewer_for(request.user, mediation_id)
    version = selectors.version_in(mediation, version_id)
    if version is None:
        raise Http404(_("文件不存在，或您无权下载此文件"))
    return download_response(
        request,
        version.pdf,
        permitted=lambda user, stored: stored.pk == version.pdf_id,
        case=mediation.case_ref,
    )
