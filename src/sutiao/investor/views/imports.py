"""Pages for Excel import and export of the registry: upload, template, the job's progress (htmx, every
second while it runs) and its bad rows, and exports of organisations and mediators (audited actions)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.forms_actions import submit
from sutiao.kernel.calendar import china_today

from .. import permissions, selectors
from ..actions import registry
from ..excel import layout, workbook
from ..forms.imports import UploadForm
from ..models import ImportKind, SubjectKind


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=layout.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


@login_required
def upload(request):
    permissions.ensure_may_use_registry_files(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":

        def queue():
            upload_file = form.cleaned_data["file"]
            # Read one byte past the limit only: queue_import refuses what is larger without holding all of it.
            content = upload_file.read(layout.MAX_FILE_BYTES + 1)
            return registry.queue_import(
                request.user,
                form.cleaned_data["kind"],
                upload_file.name,
                content,
                organisation=form.cleaned_data.get("organisation"),
            )

        job = submit(request, form, queue, _("文件已上传，正在排队导入"), aliases={None: "file"})
        if job is not None:
            return redirect("import-job", job.pk)
    return render(
        request,
        "investor/imports/upload.html",
        {
            "form": form,
            "jobs": selectors.recent_imports(request.user),
            "may_import_organisations": permissions.is_bureau(request.user),
            "may_export_organisations": permissions.is_bureau(request.user) or permissions.is_supervisor(request.user),
            "organisations": permissions.editable_organisations(request.user),
        },
    )


@login_required
def template(request, kind):
    permissions.ensure_may_use_registry_files(request.user)
    if kind not in layout.LAYOUTS:
        raise Http404(_("未知的导入内容"))
    if kind == SubjectKind.ORGANISATION:
        permissions.ensure_bureau(request.user, _("仅投资者保护局可导入调解组织"))
    names = {
        ImportKind.ORGANISATION: _("调解组织导入模板.xlsx"),
        ImportKind.MEDIATOR: _("调解员导入模板.xlsx"),
        ImportKind.TRAINING: _("培训记录导入模板.xlsx"),
    }
    name = names[kind]
    return _xlsx(workbook.template_workbook(kind), name)


@login_required
def job_detail(request, job_id):
    job = selectors.import_job_for(request.user, job_id)
    return render(request, "investor/imports/job.html", vars(selectors.import_progress(job)))


@login_required
def job_progress(request, job_id):
    """The part of the job page htmx fetches every second while the job is queued or running."""
    job = selectors.import_job_for(request.user, job_id)
    return render(request, "investor/imports/_progress.html", vars(selectors.import_progress(job)))


@login_required
def export_organisations(request):
    content = registry.export_organisations(request.user)
    return _xlsx(content, _("调解组织_%(date)s.xlsx") % {"date": china_today().strftime("%Y%m%d")})


@login_required
def export_mediators(request, organisation_id):
    organisation = get_object_or_404(Institution, pk=organisation_id, kind=InstitutionKind.MEDIATION_ORG)
    content = registry.export_mediators(request.user, organisation)
    file_name = _("%(org)s_调解员_%(date)s.xlsx") % {"org": organisation.name, "date": china_today().strftime("%Y%m%d")}
    return _xlsx(content, file_name)
