"""Excel import of the registry: whole or nothing, every bad row reported with its Excel row, column and
Chinese reason; exports in the same layout; the pages (upload, progress over htmx, the bad-row table)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from import_fixtures import (  # noqa: F401  (fixtures)
    MEDIATOR_HEADERS,
    ORG_HEADERS,
    mediator_row,
    org_row,
    read_sheet,
    resident_id,
    supervisor_fixture,
    uscc,
    wrong_check,
    xlsx,
)
from openpyxl import load_workbook
from registry_fixtures import stored_id_number

from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.investor.actions import registry
from sutiao.investor.excel import layout, rows, runner, workbook
from sutiao.investor.models import ImportJob, MediationOrg, Mediator, RegistryChange, SubjectKind
from sutiao.jobs.schedule import periodic_jobs
from sutiao.jobs.tasks import run_queued_tasks
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import resident_id_check_digit
from sutiao.kernel.workflow import ImportState

MEDIATOR = SubjectKind.MEDIATOR
ORGANISATION = SubjectKind.ORGANISATION


def thousand_rows():
    return [mediator_row(i) for i in range(1000)]


def three_bad(rows):
    """Row 12: a wrong check digit; row 502: an unknown qualification; row 1001: row 5's number again."""
    rows[10][1] = wrong_check(resident_id(10))
    rows[500][4] = "律师、宇航员"
    rows[999][1] = resident_id(3)
    return rows


def import_mediators(actor, organisation, rows, file_name="调解员名册.xlsx"):
    job = registry.queue_import(actor, MEDIATOR, file_name, xlsx(MEDIATOR_HEADERS, rows), organisation=organisation)
    return runner.run_import(job)


# --- all or nothing ---


def test_a_thousand_rows_with_three_bad_ones_report_exactly_those_and_import_nothing(admin_a, org_a):
    job = import_mediators(admin_a, org_a, three_bad(thousand_rows()))

    expected_digit = resident_id(10)[17]
    assert job.state == ImportState.FAILED
    assert job.errors == [
        {
            "row": 12,
            "column": "公民身份号码",
            "message": f"公民身份号码校验位错误：第18位应为{expected_digit}，实际为{wrong_check(resident_id(10))[17]}",
        },
        {"row": 502, "column": "资质", "message": "未知的资质：宇航员"},
        {"row": 1001, "column": "公民身份号码", "message": "与第5行的公民身份号码重复"},
    ]
    assert Mediator.objects.count() == 0
    assert RegistryChange.objects.count() == 0
    assert (job.total_rows, job.done_rows, job.imported) == (1000, 1000, 0)
    assert job.finished_at is not None


def test_the_same_file_fixed_imports_a_thousand_each_with_its_version(admin_a, org_a):
    import_mediators(admin_a, org_a, three_bad(thousand_rows()))
    job = import_mediators(admin_a, org_a, thousand_rows())

    assert job.state == ImportState.DONE, job.errors
    assert (job.total_rows, job.done_rows, job.imported, job.errors) == (1000, 1000, 1000, [])
    assert Mediator.objects.filter(organisation=org_a).count() == 1000
    versions = RegistryChange.objects.filter(subject_kind=MEDIATOR)
    assert versions.count() == 1000
    assert set(versions.values_list("version", "summary", "actor").distinct()) == {
        (1, "Excel导入：调解员名册.xlsx", "中证资本市场法律服务中心 甲管理员")
    }
    first = Mediator.objects.get(name="调解员0007")
    assert stored_id_number(first) == resident_id(7)
    assert first.id_number_masked == resident_id(7)[:3] + "*" * 11 + resident_id(7)[-4:]
    assert (first.specialties, first.qualifications) == (
        ["misrepresentation", "brokerage_contract"],
        ["lawyer", "securities"],
    )
    assert str(first.training_hours) == "24.0" and first.phone == "13900000007"
    change = versions.get(subject_id=first.pk)
    assert change.changes["name"] == [None, "调解员0007"]
    assert change.changes["id_number_masked"] == [None, first.id_number_masked]


def test_numbers_already_org_are_reported_against_the_registry(admin_a, org_a):
    import_mediators(admin_a, org_a, [mediator_row(i) for i in range(3)])
    job = import_mediators(admin_a, org_a, [mediator_row(2), mediator_row(3)])
    assert job.state == ImportState.FAILED
    assert job.errors == [
        {
            "row": 2,
            "column": "公民身份号码",
            "message": "该公民身份号码已登记，请联系投服中心核实",  # neither where nor as whom (issue 14)
        }
    ]
    assert Mediator.objects.count() == 3


def test_every_error_of_a_row_is_listed_and_blank_rows_are_skipped(admin_a, org_a):
    rows = [
        mediator_row(0),
        [None] * 6,
        mediator_row(1, 姓名="", 擅长纠纷类型="虚假陈述、炒股亏损", 培训学时="很多"),
        mediator_row(2, 公民身份号码=resident_id(2)[:3] + "***********" + resident_id(2)[-4:]),
        mediator_row(3, 公民身份号码=110105196001010031),  # typed as a number: Excel would have mangled it
    ]
    job = import_mediators(admin_a, org_a, rows)
    assert job.state == ImportState.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (4, "姓名"),
        (4, "擅长纠纷类型"),
        (4, "培训学时"),
        (5, "公民身份号码"),
        (6, "公民身份号码"),
    ]
    messages = [e["message"] for e in job.errors]
    assert messages[:3] == ["请填写姓名", "未知的擅长纠纷类型：炒股亏损", "培训学时须为数字"]
    assert "脱敏" in messages[3] and "文本格式" in messages[4]
    assert (job.total_rows, job.done_rows) == (4, 4)


def test_organisations_import_reports_a_bad_uscc_then_imports_the_fixed_file(bureau_user, regional_office):
    supervisor_name = regional_office.name
    bad = uscc(2)[:17] + ("0" if uscc(2)[17] != "0" else "1")
    rows = [
        org_row(1, supervisor_name),
        org_row(2, supervisor_name, 统一社会信用代码=bad),
        org_row(3, supervisor_name, 服务地域="北京市、火星", 组织类型="民间组织", 指导单位="某某局"),
        org_row(4, supervisor_name, 统一社会信用代码=uscc(1), 可同时办理案件数=0),
    ]
    content = xlsx(ORG_HEADERS, rows)
    job = runner.run_import(registry.queue_import(bureau_user, ORGANISATION, "组织.xlsx", content))

    assert job.state == ImportState.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "统一社会信用代码"),
        (4, "组织类型"),
        (4, "指导单位"),
        (4, "服务地域"),
        (5, "统一社会信用代码"),
        (5, "可同时办理案件数"),
    ]
    assert job.errors[0]["message"].startswith("统一社会信用代码校验位错误：第18位应为")
    assert job.errors[1]["message"] == "未知的组织类型：民间组织"
    assert job.errors[3]["message"] == "未知的省级行政区：火星"
    assert job.errors[4]["message"] == "与第2行的统一社会信用代码重复"
    assert MediationOrg.objects.count() == 0 and RegistryChange.objects.count() == 0
    assert not Institution.objects.filter(kind=InstitutionKind.MEDIATION_ORG).exists()

    fixed = [org_row(n, supervisor_name, 服务地域="全国" if n == 3 else "北京市、天津市") for n in (1, 2, 3, 4)]
    job = runner.run_import(registry.queue_import(bureau_user, ORGANISATION, "组织.xlsx", xlsx(ORG_HEADERS, fixed)))
    assert job.state == ImportState.DONE, job.errors
    assert job.imported == 4
    org = MediationOrg.objects.select_related("institution__parent").get(uscc=uscc(3))
    assert org.institution.name == "某某证券期货纠纷调解中心003"
    assert org.institution.kind == InstitutionKind.MEDIATION_ORG
    assert org.institution.parent == regional_office
    assert (org.kind, org.scope, org.dispute_types, org.capacity) == (
        "industry",
        ["全国"],
        ["misrepresentation", "insider_trading"],
        50,
    )
    assert org.contact_email == "contact@example.cn"
    change = RegistryChange.objects.get(subject_id=org.pk)
    assert (change.version, change.summary) == (1, "Excel导入：组织.xlsx")
    assert change.changes["supervisor"] == [None, "中国证监会北京监管局"]


def test_a_crash_while_writing_leaves_the_job_failed_and_nothing_written(admin_a, org_a, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RegistryChange.objects, "bulk_create", broken)
    job = import_mediators(admin_a, org_a, [mediator_row(i) for i in range(5)])
    assert job.state == ImportState.FAILED
    assert job.errors[0]["message"].startswith("导入时发生系统错误，未导入任何数据")
    assert Mediator.objects.count() == 0


# --- refused at upload ---


def test_wrong_headers_are_reported_by_the_worker(admin_a, org_a):
    """The upload request never opens the workbook (issue 14): the worker checks the header row."""
    headers = ["姓名", "身份证号", "手机号", "擅长纠纷类型", "资质", "培训学时"]
    job = runner.run_import(registry.queue_import(admin_a, MEDIATOR, "a.xlsx", xlsx(headers, [mediator_row(1)]), org_a))
    assert job.state == ImportState.FAILED
    assert "表头与导入模板不符" in job.errors[0]["message"] and "公民身份号码" in job.errors[0]["message"]
    # an organisations file is not a mediators file
    job = runner.run_import(registry.queue_import(admin_a, MEDIATOR, "a.xlsx", xlsx(ORG_HEADERS, []), org_a))
    assert "表头与导入模板不符" in job.errors[0]["message"]
    assert not Mediator.objects.exists()


@pytest.mark.parametrize(
    ("file_name", "content", "reason"),
    [
        ("名册.xls", b"PK\x03\x04", "请上传 .xlsx 格式的 Excel 文件"),
        ("名册.xlsx", b"", "文件为空"),
        ("名册.xlsx", b"this is not a workbook", "无法读取该文件"),
        ("名册.xlsx", b"0" * (10 * 1024 * 1024 + 1), "文件超过 10 MB"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_at_upload(admin_a, org_a, file_name, content, reason):
    with pytest.raises(DomainError, match=reason):
        registry.queue_import(admin_a, MEDIATOR, file_name, content, org_a)
    assert not ImportJob.objects.exists()


def test_who_may_import(admin_a, admin_b, org_a, org_b, supervisor, bureau_user):
    content = xlsx(MEDIATOR_HEADERS, [mediator_row(1)])
    with pytest.raises(PermissionDenied):  # another organisation's administrator
        registry.queue_import(admin_b, MEDIATOR, "a.xlsx", content, org_a)
    with pytest.raises(PermissionDenied):  # organisations: the Bureau only
        registry.queue_import(admin_a, ORGANISATION, "a.xlsx", xlsx(ORG_HEADERS, []))
    with pytest.raises(PermissionDenied):
        registry.queue_import(supervisor, ORGANISATION, "a.xlsx", xlsx(ORG_HEADERS, []))
    # the organisation's own administrator, its supervisor and the Bureau may import its mediators
    for actor in (admin_a, supervisor, bureau_user):
        job = registry.queue_import(actor, MEDIATOR, "a.xlsx", content, org_a)
        assert job.state == ImportState.QUEUED and job.organisation == org_a
    assert registry.queue_import(bureau_user, ORGANISATION, "o.xlsx", xlsx(ORG_HEADERS, [])).organisation is None


# --- progress and the worker ---


def test_progress_is_visible_while_the_rows_are_checked(admin_a, org_a, monkeypatch):
    seen = []
    check = rows.MediatorChecker.check

    def spy(self, row, cells):
        seen.append(ImportJob.objects.values_list("done_rows", "total_rows").get())
        return check(self, row, cells)

    monkeypatch.setattr(rows.MediatorChecker, "check", spy)
    job = import_mediators(admin_a, org_a, [mediator_row(i) for i in range(450)])
    assert job.state == ImportState.DONE
    assert seen[0] == (0, 450)
    assert {done for done, _ in seen} == {0, 200, 400}  # a short update every 200 rows
    assert (job.done_rows, job.total_rows, job.imported) == (450, 450, 450)


def test_an_upload_queues_a_background_task_that_a_worker_runs(admin_a, org_a):
    first = registry.queue_import(admin_a, MEDIATOR, "1.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    second = registry.queue_import(admin_a, MEDIATOR, "2.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [(t.task_path, t.args_kwargs["args"]) for t in queued] == [
        ("sutiao.investor.excel.runner.run_queued_import", [str(first.pk)]),
        ("sutiao.investor.excel.runner.run_queued_import", [str(second.pk)]),
    ]
    assert run_queued_tasks() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.imported) == (ImportState.DONE, 1)
    assert second.state == ImportState.FAILED  # the same number, now registered by the first file
    assert "已登记" in second.errors[0]["message"]
    assert [t.return_value for t in queued.all()] == [ImportState.DONE, ImportState.FAILED]
    assert run_queued_tasks() == 0


def test_a_job_left_running_by_a_stopped_worker_is_failed_later(admin_a, org_a):
    content = xlsx(MEDIATOR_HEADERS, [mediator_row(1)])
    stale, fresh = (registry.queue_import(admin_a, MEDIATOR, f"{n}.xlsx", content, org_a) for n in (1, 2))
    ImportJob.objects.update(state=ImportState.RUNNING)
    ImportJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert "fail_interrupted_imports" in {job.name for job in periodic_jobs()}
    assert runner.fail_interrupted() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.state == ImportState.FAILED and "中断" in stale.errors[0]["message"]
    assert fresh.state == ImportState.RUNNING  # perhaps another worker's, still at work
    assert Mediator.objects.count() == 0


# --- templates and exports ---


def test_the_template_has_the_header_row_a_notes_sheet_and_drop_downs(bureau_user, regional_office):
    content = workbook.template_workbook(ORGANISATION)
    wb = load_workbook(io.BytesIO(content))
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == ORG_HEADERS
    assert data.max_row == 1
    assert "说明" in wb.sheetnames
    assert any("GB 32100-2015" in (row[0] or "") for row in wb["说明"].iter_rows(values_only=True))
    ranges = {str(dv.sqref).split(":")[0]: dv for dv in data.data_validations.dataValidation}
    assert ranges["C2"].type == "list" and ranges["D2"].type == "list"  # 组织类型, 指导单位
    options = [row for row in wb["选项"].iter_rows(values_only=True)]
    assert options[0][:2] == ("组织类型", "指导单位") and options[1][1] == "中国证监会北京监管局"
    # an empty template is refused for having no data rows, but its headers pass
    job = runner.run_import(registry.queue_import(bureau_user, ORGANISATION, "t.xlsx", content))
    assert job.errors == [{"row": None, "column": "", "message": "文件中没有可导入的数据行"}]
    assert [c.value for c in load_workbook(io.BytesIO(workbook.template_workbook(MEDIATOR))).active[1]] == (
        MEDIATOR_HEADERS
    )


def test_an_export_has_the_import_layout_with_masked_numbers(admin_a, org_a):
    import_mediators(admin_a, org_a, [mediator_row(i) for i in range(3)])
    # As the organisation's own administrator exports it: phones in clear (tests/investor/test_mediator_phones.py)
    content = workbook.export_workbook(MEDIATOR, Mediator.objects.order_by("name"), phones_in_clear=True)
    rows = read_sheet(content)
    assert list(rows[0]) == MEDIATOR_HEADERS
    masked = resident_id(0)[:3] + "*" * 11 + resident_id(0)[-4:]
    assert rows[1] == ("调解员0000", masked, "13900000000", "虚假陈述、证券经纪合同", "律师、证券从业人员", 24)
    # re-imported after editing, the masked numbers are what must be filled in
    Mediator.objects.all().delete()
    job = runner.run_import(registry.queue_import(admin_a, MEDIATOR, "export.xlsx", content, organisation=org_a))
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
        (4, "公民身份号码"),
    ]
    assert "脱敏" in job.errors[0]["message"]


def test_an_exported_organisation_file_re_imports(bureau_user, org_a, regional_office):
    content = workbook.export_workbook(ORGANISATION, MediationOrg.objects.all())
    rows = read_sheet(content)
    assert list(rows[0]) == ORG_HEADERS
    assert rows[1][:8] == (
        "中证资本市场法律服务中心",
        org_a.registry.uscc,
        "证券期货行业调解组织",
        "中国证监会北京监管局",
        None,
        "全国",
        "虚假陈述",
        50,
    )
    job = runner.run_import(registry.queue_import(bureau_user, ORGANISATION, "export.xlsx", content))
    assert job.errors == [
        {"row": 2, "column": "统一社会信用代码", "message": f"统一社会信用代码 {org_a.registry.uscc} 已登记"}
    ]


# --- pages ---


def upload_file(rows, headers=MEDIATOR_HEADERS, name="名册.xlsx"):
    return SimpleUploadedFile(name, xlsx(headers, rows), content_type=layout.XLSX_TYPE)


def test_the_pages_upload_progress_and_bad_rows(client, admin_a, org_a):
    client.force_login(admin_a)
    page = client.get("/imports/").content.decode()
    assert "Excel 批量导入名录信息" in page and "下载调解员导入模板" in page
    assert f'value="{org_a.pk}" selected' in page  # the user's own organisation by default
    assert "下载调解组织导入模板" not in page

    rows = three_bad(thousand_rows())
    response = client.post("/imports/", {"kind": "mediator", "organisation": org_a.pk, "file": upload_file(rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/jobs/{job.pk}/"

    page = client.get(response.url).content.decode()
    assert f'hx-get="/imports/jobs/{job.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page
    assert "排队中" in page and 'class="progress-bar' in page

    run_queued_tasks()
    fragment = client.get(f"/imports/jobs/{job.pk}/progress/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in fragment and "<html" not in fragment  # finished: the polling stops
    assert "未导入（有错误）" in fragment and "发现 3 处错误，未导入任何数据" in fragment
    assert "<th" in fragment and "行号" in fragment and "列" in fragment and "原因" in fragment
    for text in ("<td>12</td>", "<td>502</td>", "<td>1001</td>", "未知的资质：宇航员", "与第5行的公民身份号码重复"):
        assert text in fragment
    assert 'style="width: 100%"' in fragment


def test_the_job_page_shows_progress_while_running_and_the_result_when_done(client, admin_a, org_a):
    client.force_login(admin_a)
    job = registry.queue_import(admin_a, MEDIATOR, "a.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, total_rows=400, done_rows=200)
    fragment = client.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'style="width: 50%"' in fragment and "200 / 400" in fragment
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    run_queued_tasks()
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "已全部导入，共 1 条" in page and "hx-get" not in page


def test_upload_page_says_what_is_wrong(client, admin_a, org_a):
    client.force_login(admin_a)
    wrong = SimpleUploadedFile("名册.xlsx", b"not a workbook", content_type=layout.XLSX_TYPE)
    page = client.post("/imports/", {"kind": "mediator", "organisation": org_a.pk, "file": wrong})
    assert page.status_code == 200
    assert "无法读取该文件" in page.content.decode()
    missing = client.post("/imports/", {"kind": "mediator", "file": upload_file([mediator_row(1)])})
    assert "请选择调解员所属的调解组织" in missing.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_is_seen_by_its_uploader_and_the_bureau_only(client, admin_a, admin_b, org_a, bureau_user):
    job = registry.queue_import(admin_a, MEDIATOR, "a.xlsx", xlsx(MEDIATOR_HEADERS, [mediator_row(1)]), org_a)
    client.force_login(admin_b)
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/imports/jobs/{job.pk}/progress/").status_code == 404
    assert client.get(f"/imports/export/mediators/{org_a.pk}/").status_code == 403
    assert client.get("/imports/export/organisations/").status_code == 403
    assert client.get("/imports/template/organisation/").status_code == 403
    other = client.post(
        "/imports/", {"kind": "mediator", "organisation": org_a.pk, "file": upload_file([mediator_row(1)])}
    )
    assert other.status_code == 200 and ImportJob.objects.count() == 1  # not among admin_b's organisations
    client.force_login(bureau_user)
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 302  # to the login page


def test_mediators_cannot_use_the_import_pages(client, mediator_a):
    client.force_login(mediator_a)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template/mediator/").status_code == 403


def test_downloads(client, bureau_user, supervisor, admin_a, org_a, org_b):
    client.force_login(bureau_user)
    template = client.get("/imports/template/organisation/")
    assert template.status_code == 200 and template["Content-Type"] == layout.XLSX_TYPE
    assert "attachment" in template["Content-Disposition"]
    assert list(read_sheet(template.content)[0]) == ORG_HEADERS

    # a supervisor exports the organisations it supervises, not others
    Institution.objects.filter(pk=org_b.pk).update(
        parent=Institution.objects.create(kind=InstitutionKind.AFFILIATED_UNIT, name="中国证券业协会")
    )
    client.force_login(supervisor)
    exported = read_sheet(client.get("/imports/export/organisations/").content)
    assert [row[0] for row in exported[1:]] == ["中证资本市场法律服务中心"]

    import_mediators(admin_a, org_a, [mediator_row(5)])
    client.force_login(admin_a)
    mediators = read_sheet(client.get(f"/imports/export/mediators/{org_a.pk}/").content)
    assert mediators[1][0] == "调解员0005" and "*" in mediators[1][1]
    assert client.get(f"/imports/export/mediators/{org_b.pk}/").status_code == 403


def test_bureau_uploads_organisations_through_the_page(client, bureau_user, regional_office):
    client.force_login(bureau_user)
    page = client.get("/imports/").content.decode()
    assert "下载调解组织导入模板" in page and "导出调解组织" in page
    rows = [org_row(n, regional_office.name) for n in (1, 2)]
    response = client.post("/imports/", {"kind": "organisation", "file": upload_file(rows, headers=ORG_HEADERS)})
    assert response.status_code == 302
    assert run_queued_tasks() == 1
    assert "已全部导入，共 2 条" in client.get(response.url).content.decode()
    assert MediationOrg.objects.count() == 2


def test_resident_id_helper_builds_valid_numbers():
    number = resident_id(123)
    assert number[17] == resident_id_check_digit(number[:17])
    assert wrong_check(number) != number
