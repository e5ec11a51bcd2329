"""Issue 14, the registry's files: exports never carry a live formula (5); an upload is never opened in the web
request and a decompression bomb is refused before anything opens it (6); the uploaded content (mediators' full
identity numbers) is deleted when its job ends and old jobs are purged (7); a number already registered does not
say where or as whom (8)."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from import_fixtures import MEDIATOR_HEADERS, mediator_row, read_sheet, resident_id, xlsx
from registry_fixtures import mediator_data

from sutiao.investor.actions import registry
from sutiao.investor.excel import runner, workbook
from sutiao.investor.models import ImportJob, MediationOrg, Mediator, SubjectKind
from sutiao.jobs.schedule import periodic_jobs
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import ImportState

MEDIATOR = SubjectKind.MEDIATOR
GENERIC = "该公民身份号码已登记，请联系投服中心核实"


# --- 5 ---


def test_exports_escape_text_that_would_start_a_formula(admin_a, org_a, bureau_user):
    for n, name in enumerate(['=HYPERLINK("http://evil.example","点击")', "@SUM(1)", "-1+2"]):
        registry.register_mediator(admin_a, org_a, mediator_data(name=name, id_number=resident_id(n)))
    content = workbook.export_workbook(MEDIATOR, Mediator.objects.order_by("name"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=2) for cell in row)
    names = sorted(r[0] for r in read_sheet(content)[1:])
    assert names == sorted(['\'=HYPERLINK("http://evil.example","点击")', "'@SUM(1)", "'-1+2"])
    MediationOrg.objects.filter(pk=org_a.pk).update(contact_name="+cmd|' /C calc'!A0")
    organisations = read_sheet(workbook.export_workbook(SubjectKind.ORGANISATION, MediationOrg.objects.all()))
    assert organisations[1][8] == "'+cmd|' /C calc'!A0"


# --- 6 ---


def bomb(headers=MEDIATOR_HEADERS) -> bytes:
    """A genuine workbook with one more part: 64 MiB of zeros, a few dozen KiB compressed."""
    buffer = io.BytesIO(xlsx(headers, [mediator_row(1)]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (64 * 1024 * 1024))
    return buffer.getvalue()


def test_a_decompression_bomb_is_refused_at_upload_without_opening_it(admin_a, org_a, monkeypatch):
    content = bomb()
    assert len(content) < 200 * 1024
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the request opened the workbook"))
    with pytest.raises(DomainError, match="解压"):
        registry.queue_import(admin_a, MEDIATOR, "bomb.xlsx", content, org_a)
    assert not ImportJob.objects.exists()


def test_the_worker_refuses_a_bomb_before_opening_it(admin_a, org_a, monkeypatch):
    job = registry.queue_import(admin_a, MEDIATOR, "m.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    ImportJob.objects.filter(pk=job.pk).update(content=bomb())  # as if the upload check had been passed by
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the worker opened a bomb"))
    job = runner.run_import(job)
    assert job.state == ImportState.FAILED and "解压" in job.errors[0]["message"]


def test_the_upload_request_never_opens_the_workbook_and_the_worker_checks_the_headers(admin_a, org_a, monkeypatch):
    import openpyxl

    load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the request opened the workbook"))
    job = registry.queue_import(admin_a, MEDIATOR, "a.xlsx", xlsx(["姓名", "身份证号"], [mediator_row(1)]), org_a)
    assert job.state == ImportState.QUEUED
    monkeypatch.setattr(openpyxl, "load_workbook", load)
    job = runner.run_import(job)
    assert job.state == ImportState.FAILED and "表头与导入模板不符" in job.errors[0]["message"]


# --- 7 ---


def _content(job) -> bytes:
    return bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))


def test_the_uploaded_content_is_deleted_when_the_job_ends(admin_a, org_a):
    done = runner.run_import(
        registry.queue_import(admin_a, MEDIATOR, "1.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    )
    assert done.state == ImportState.DONE and _content(done) == b""
    failed = runner.run_import(
        registry.queue_import(admin_a, MEDIATOR, "2.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    )
    assert failed.state == ImportState.FAILED and _content(failed) == b""
    interrupted = registry.queue_import(admin_a, MEDIATOR, "3.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(2)]), org_a)
    ImportJob.objects.filter(pk=interrupted.pk).update(
        state=ImportState.RUNNING, created_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert runner.fail_interrupted() == 1 and _content(interrupted) == b""


def test_old_jobs_are_purged_after_the_retention_period(admin_a, org_a, settings):
    settings.SUTIAO_IMPORT_JOB_RETENTION_DAYS = 30
    old, recent = (
        runner.run_import(
            registry.queue_import(admin_a, MEDIATOR, f"{n}.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(n)]), org_a)
        )
        for n in (1, 2)
    )
    waiting = registry.queue_import(admin_a, MEDIATOR, "3.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(3)]), org_a)
    long_ago = timezone.now() - dt.timedelta(days=31)
    ImportJob.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=long_ago, finished_at=long_ago)
    ImportJob.objects.filter(pk=waiting.pk).update(finished_at=None)
    assert "purge_import_jobs" in {job.name for job in periodic_jobs()}
    assert runner.purge_old_jobs() == 2  # an ended job, and an upload no worker took in a month
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]


# --- 8 ---


def test_a_registered_number_does_not_say_where_or_as_whom(admin_a, admin_b, org_a, org_b):
    number = resident_id(7)
    registry.register_mediator(admin_a, org_a, mediator_data(name="甲组织的调解员", id_number=number))
    with pytest.raises(DomainError) as refused:
        registry.register_mediator(admin_b, org_b, mediator_data(name="乙", id_number=number))
    assert refused.value.message == GENERIC
    job = runner.run_import(
        registry.queue_import(
            admin_b, MEDIATOR, "b.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(7, 公民身份号码=number)]), org_b
        )
    )
    assert [e["message"] for e in job.errors] == [GENERIC]
    assert not any(org_a.name in e["message"] or "甲组织" in e["message"] for e in job.errors)
