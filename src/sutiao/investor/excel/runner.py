"""The import job: the function the worker calls, and the progress the job page reads. An import checks every
row, then writes all rows or none, in one transaction with its audit record."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_tasks import task

from sutiao.audit.log import record
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import IMPORT_ACTIVE, IMPORT_JOB, ImportEvent, ImportState

from ..models import ImportJob, ImportKind
from ..registry.history import actor_name
from .layout import columns_for
from .reading import blank, check_headers, open_workbook
from .rows import MediatorChecker, OrgChecker, TrainingChecker, reason

log = logging.getLogger("sutiao.imports")

PROGRESS_EVERY = 200  # rows between two progress updates the job page can see
RUNNING = IMPORT_JOB.next_state(ImportState.QUEUED, ImportEvent.START)
FAILED = IMPORT_JOB.next_state(ImportState.RUNNING, ImportEvent.FAIL)
DONE = IMPORT_JOB.next_state(ImportState.RUNNING, ImportEvent.FINISH)

STALE_AFTER = dt.timedelta(hours=1)


@task()
def run_queued_import(job_id: str) -> str:
    """The background task of one uploaded file (sutiao.jobs.tasks), claimed by one worker: run the import;
    its progress is kept on the job, which the page polls."""
    job = ImportJob.objects.defer("content").filter(pk=job_id).first()
    return run_import(job).state if job is not None else "purged"  # an upload no worker took within the retention


def fail_interrupted() -> int:
    """Mark failed the jobs a stopped worker left running, so their uploaders know to upload again."""
    with translation.override("zh-hans"):
        return ImportJob.objects.filter(state=ImportState.RUNNING, created_at__lt=timezone.now() - STALE_AFTER).update(
            state=FAILED,
            errors=[job_error(gettext_noop("导入因平台后台任务中断而未完成，未导入任何数据，请重新上传。"))],
            finished_at=timezone.now(),
            content=b"",
        )


def purge_old_jobs() -> int:
    """Delete the jobs older than SUTIAO_IMPORT_JOB_RETENTION_DAYS: ended ones, and uploads no worker took. Their
    errors quote the rows, and an upload not yet run still holds its file."""
    cutoff = timezone.now() - dt.timedelta(days=settings.SUTIAO_IMPORT_JOB_RETENTION_DAYS)
    ended = ImportJob.objects.filter(finished_at__lt=cutoff)
    never_run = ImportJob.objects.filter(state=ImportState.QUEUED, created_at__lt=cutoff)
    deleted, _ = (ended | never_run).delete()
    return deleted


def job_error(message: str) -> dict:
    return {"row": None, "column": "", "message": gettext(message)}


class _Abandoned(Exception):
    """The job stopped being ours (failed by a restarted worker) while pass 2 ran: roll it back."""


def run_import(job: ImportJob) -> ImportJob:
    """Check every row, then write all rows or none. Never raises: a crash leaves the job failed."""
    if job.state not in IMPORT_ACTIVE:
        return job
    if job.state == ImportState.QUEUED:
        ImportJob.objects.filter(pk=job.pk).update(state=RUNNING)
        job.state = ImportState.RUNNING
    try:
        with translation.override("zh-hans"):  # the reasons are kept in Chinese, the record's language
            _run(job)
    except _Abandoned:
        log.warning("import %s was abandoned while it ran", job.pk)
    except DomainError as e:  # the file itself (unreadable, headers changed): said as at upload
        with translation.override("zh-hans"):
            _finish_failed(job, [{"row": None, "column": "", "message": reason(e)}])
    except IntegrityError:
        log.warning("import %s collided with a concurrent registration", job.pk, exc_info=True)
        with translation.override("zh-hans"):
            _finish_failed(
                job,
                [
                    job_error(
                        gettext_noop(
                            "导入期间有相同的统一社会信用代码或公民身份号码被登记，未导入任何数据，请重新上传。"
                        )
                    )
                ],
            )
    except Exception:
        log.exception("import %s crashed", job.pk)
        with translation.override("zh-hans"):
            _finish_failed(
                job,
                [job_error(gettext_noop("导入时发生系统错误，未导入任何数据。请稍后重新上传，或联系平台运维人员。"))],
            )
    job.refresh_from_db()
    return job


def _finish_failed(job: ImportJob, errors: list[dict]) -> None:
    # The uploaded file goes with the job's end: it holds mediators' full identity numbers (issue 14).
    ImportJob.objects.filter(pk=job.pk).update(state=FAILED, errors=errors, finished_at=timezone.now(), content=b"")


def _run(job: ImportJob) -> None:
    content = bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))
    wb = open_workbook(content)
    try:
        if not wb.worksheets:
            raise DomainError(gettext("文件中没有工作表"), field="file")
        ws = wb.worksheets[0]
        check_headers(ws, job.subject_kind)
        width = len(columns_for(job.subject_kind))
        total = sum(1 for row in ws.iter_rows(min_row=2, values_only=True) if not blank(row[:width]))
        report_progress(job, 0, total)
        checker = checker_for(job)
        done = 0
        for number, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            cells = (tuple(row) + (None,) * width)[:width]
            if blank(cells):
                continue
            checker.check(number, cells)
            done += 1
            if done % PROGRESS_EVERY == 0:
                report_progress(job, done)
        checker.check_registered()
    finally:
        wb.close()
    report_progress(job, done)
    if checker.errors or not checker.valid:
        errors = sorted(checker.errors, key=lambda e: (e["row"], checker.column_index(e["column"])))
        if not errors:
            errors = [job_error(gettext_noop("文件中没有可导入的数据行"))]
        _finish_failed(job, errors)
        return
    summary = f"Excel导入：{job.file_name}"[:200]
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, state=RUNNING).update(
            state=DONE, imported=len(checker.valid), done_rows=done, errors=[], finished_at=timezone.now(), content=b""
        ):
            raise _Abandoned
        checker.write(job, actor_name(job.uploaded_by), summary)
        record(
            job.uploaded_by,
            "registry.import.write",
            job,
            before={"state": RUNNING},
            after={"state": DONE, "kind": job.subject_kind, "imported": len(checker.valid)},
        )


def checker_for(job: ImportJob):
    if job.subject_kind == ImportKind.ORGANISATION:
        return OrgChecker()
    if job.subject_kind == ImportKind.TRAINING:
        return TrainingChecker(job.organisation_id)
    return MediatorChecker()


def report_progress(job: ImportJob, done_rows: int, total_rows: int | None = None) -> None:
    """Store how far pass 1 got, for the job page (outside any transaction: the page reads it while the job runs)."""
    fields = {"done_rows": done_rows}
    if total_rows is not None:
        fields["total_rows"] = total_rows
    ImportJob.objects.filter(pk=job.pk).update(**fields)
