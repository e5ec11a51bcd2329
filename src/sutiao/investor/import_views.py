"""Pages for Excel import and export of the registry: upload, template, the job's progress (htmx, every
second while it runs) and its bad rows, and exports of organisations and mediators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sutiao.accounts.models import Institution, InstitutionKind, Role
from sutiao.kernel.errors import DomainError
from sutiao.translation import refusal

from . import imports
from .models import ImportJob, ImportState, MediationOrg, Mediator, SubjectKind
from .registry import ensure_can_edit, is_bureau

IMPORTING_ROLES = (Role.BUREAU_STAFF, Role.SUPERVISOR, Role.ORG_ADMIN)


def _ensure_may_use(user) -> None:
    if user.role not in IMPORTING_ROLES:
        raise PermissionDenied(_("仅投资者保护局、派出机构/会管单位及调解组织管理员可导入或导出名录信息"))


def editable_organisations(user):
    """The mediation organisations whose mediators this user may import or export."""
    qs = Institution.objects.filter(kind=InstitutionKind.MEDIATION_ORG, registry__isnull=False).order_by("name")
    if is_bureau(user):
        return qs
    if user.role == Role.SUPERVISOR and user.institution_id:
        return qs.filter(parent_id=user.institution_id)
    if user.role == Role.ORG_ADMIN and user.institution_id:
        return qs.filter(pk=user.institution_id)
    return qs.none()


def overseen_organisations(user):
    """The registry records of the organisations this user oversees (Bureau: all; supervisor: its own)."""
    qs = MediationOrg.objects.select_related("institution__parent").order_by("institution__name")
    if is_bureau(user):
        return qs
    if user.role == Role.SUPERVISOR and user.institution_id:
        return qs.filter(institution__parent_id=user.institution_id)
    return qs.none()


def _kinds_for(user) -> list[tuple[str, str]]:
    kinds = [(SubjectKind.MEDIATOR.value, gettext_lazy("调解员"))]
    if is_bureau(user):
        kinds.insert(0, (SubjectKind.ORGANISATION.value, gettext_lazy("调解组织")))
    return kinds


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"))
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("所属调解组织（导入调解员时）"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=gettext_lazy("请选择调解组织"),
    )
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx，不超过 10 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kinds_for(user)
        self.fields["organisation"].queryset = editable_organisations(user)
        if user.role == Role.ORG_ADMIN and user.institution_id:
            self.fields["organisation"].initial = user.institution_id
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name != "file" else "form-control")

    def clean(self):
        data = super().clean()
        if data.get("kind") == SubjectKind.MEDIATOR and not data.get("organisation"):
            self.add_error("organisation", _("请选择调解员所属的调解组织"))
        return data


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


def _recent_jobs(user):
    jobs = ImportJob.objects.select_related("organisation", "uploaded_by").defer("content")
    if not is_bureau(user):
        jobs = jobs.filter(uploaded_by=user)
    return jobs.order_by("-created_at")[:20]


@login_required
def upload(request):
    _ensure_may_use(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        # Read one byte past the limit only: queue_import refuses what is larger without holding all of it.
        content = upload_file.read(imports.MAX_FILE_BYTES + 1)
        try:
            job = imports.queue_import(
                request.user,
                form.cleaned_data["kind"],
                upload_file.name,
                content,
                organisation=form.cleaned_data.get("organisation"),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else "file", refusal(e))
        else:
            messages.success(request, _("文件已上传，正在排队导入"))
            return redirect("import-job", job.pk)
    elif request.method == "POST":
        messages.error(request, _("请检查填写的内容"))
    return render(
        request,
        "investor/imports/upload.html",
        {
            "form": form,
            "jobs": _recent_jobs(request.user),
            "may_import_organisations": is_bureau(request.user),
            "may_export_organisations": is_bureau(request.user) or request.user.role == Role.SUPERVISOR,
            "organisations": editable_organisations(request.user),
        },
    )


@login_required
def template(request, kind):
    _ensure_may_use(request.user)
    if kind not in imports.LAYOUTS:
        raise Http404(_("未知的导入内容"))
    if kind == SubjectKind.ORGANISATION and not is_bureau(request.user):
        raise PermissionDenied(_("仅投资者保护局可导入调解组织"))
    name = _("调解组织导入模板.xlsx") if kind == SubjectKind.ORGANISATION else _("调解员导入模板.xlsx")
    return _xlsx(imports.template_workbook(kind), name)


def _job_for(user, job_id) -> ImportJob:
    """A job is seen by its uploader and by the Bureau; to anyone else it does not exist."""
    job = get_object_or_404(ImportJob.objects.select_related("organisation", "uploaded_by").defer("content"), pk=job_id)
    if job.uploaded_by_id != user.pk and not is_bureau(user):
        raise Http404(_("没有这个导入任务"))
    return job


def _progress_context(job: ImportJob) -> dict:
    if job.state == ImportState.DONE:
        percent = 100
    elif job.total_rows:
        percent = min(100, job.done_rows * 100 // job.total_rows)
    else:
        percent = 0
    return {
        "job": job,
        "percent": percent,
        "active": job.state in imports.ACTIVE_STATES,
        "writing": job.state == ImportState.RUNNING and job.total_rows and job.done_rows >= job.total_rows,
    }


@login_required
def job_detail(request, job_id):
    job = _job_for(request.user, job_id)
    return render(request, "investor/imports/job.html", _progress_context(job))


@login_required
def job_progress(request, job_id):
    """The part of the job page htmx fetches every second while the job is queued or running."""
    job = _job_for(request.user, job_id)
    return render(request, "investor/imports/_progress.html", _progress_context(job))


@login_required
def export_organisations(request):
    user = request.user
    if not (is_bureau(user) or (user.role == Role.SUPERVISOR and user.institution_id)):
        raise PermissionDenied(_("仅投资者保护局或派出机构/会管单位可导出调解组织"))
    content = imports.export_workbook(SubjectKind.ORGANISATION, overseen_organisations(user))
    return _xlsx(content, _("调解组织_%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")})


@login_required
def export_mediators(request, organisation_id):
    _ensure_may_use(request.user)
    organisation = get_object_or_404(Institution, pk=organisation_id, kind=InstitutionKind.MEDIATION_ORG)
    ensure_can_edit(request.user, organisation)
    mediators = Mediator.objects.filter(organisation=organisation).order_by("name")
    content = imports.export_workbook(SubjectKind.MEDIATOR, mediators)
    file_name = _("%(org)s_调解员_%(date)s.xlsx") % {
        "org": organisation.name,
        "date": timezone.localdate().strftime("%Y%m%d"),
    }
    return _xlsx(content, file_name)
