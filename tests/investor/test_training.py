"""Training of mediators (issue 13 §6; 法办〔2021〕313号 五): hours counted over exactly the last twelve months, the
requirement met or not shown with the shortfall, who may keep whose records (an organisation its own, a regional
office the organisations under it, the Bureau all), every change audited, bad input refused in Chinese, and the
Excel import whole or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from import_fixtures import supervisor_fixture, xlsx  # noqa: F401 (the supervisor fixture)
from investor_registry_setup import registered_org

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.accounts.models import Institution, InstitutionKind, Role
from sutiao.accounts.pii import decrypt
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import registry
from sutiao.investor.actions import training as actions
from sutiao.investor.excel import runner
from sutiao.investor.excel.layout import TRAINING_COLUMNS
from sutiao.investor.models import ImportKind, Mediator
from sutiao.investor.training import selectors
from sutiao.investor.training.models import TrainingRecord, TrainingRequirement, TrainingSource
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import ImportState

TODAY = china_today()
HEADERS = [c.header for c in TRAINING_COLUMNS]


def data(hours="4", completed_on=None, course="证券纠纷调解实务", provider="中国证券业协会", number=""):
    return actions.TrainingData(course, provider, hours, completed_on or TODAY, number)


def record_of(user):
    return Mediator.objects.get(user=user)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_actions():
    return list(AuditRecord.objects.filter(action__startswith="training.").values_list("action", flat=True))


@pytest.fixture
def other_office(db):
    return Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name="中国证监会上海监管局")


@pytest.fixture
def org_c(other_office, court_peer, bureau_user):
    """An organisation under another regional office."""
    return registered_org("上海证券期货纠纷调解中心", 3, other_office, court_peer, bureau_user)


@pytest.fixture
def mediator_c(org_c):
    from conftest import _user

    return _user("c_mediator", Role.MEDIATOR, org_c, "陈调解")


# --- the window and the hours ---


def test_the_window_is_the_last_twelve_months_both_ends_counted():
    assert selectors.window(dt.date(2026, 12, 2)) == (dt.date(2025, 12, 3), dt.date(2026, 12, 2))
    # A year before 29 February is 28 February: the window starts the day after.
    assert selectors.window(dt.date(2028, 2, 29)) == (dt.date(2027, 3, 1), dt.date(2028, 2, 29))


def test_hours_sum_the_records_within_exactly_the_last_twelve_months(admin_a, mediator_a):
    mediator = record_of(mediator_a)
    start, end = selectors.window()
    actions.record_training(admin_a, mediator, data("8", start - dt.timedelta(days=1)))  # one day too early
    actions.record_training(admin_a, mediator, data("3", start))  # the first day that counts
    actions.record_training(admin_a, mediator, data("2.5", end))  # today
    removed = actions.record_training(admin_a, mediator, data("6", end - dt.timedelta(days=30)))
    actions.remove_training(admin_a, removed, "重复录入")

    standing = selectors.standing(mediator)
    assert standing.hours == Decimal("5.5")
    assert (standing.start, standing.end) == (start, end)
    assert standing.required == Decimal("12") and not standing.met
    assert standing.shortfall == Decimal("6.5")
    # The organisation's list sums the same way, in one query for the page.
    page = selectors.organisation_training(admin_a.institution.registry)
    assert [(m.name, m.hours) for m in page.items] == [("张调解", Decimal("5.5"))]


# --- the pages ---


def test_the_mediator_page_shows_the_shortfall_then_met(admin_a, mediator_a):
    mediator = record_of(mediator_a)
    actions.record_training(admin_a, mediator, data("10"))
    client = client_for(admin_a)
    url = reverse("registry-mediator", args=[mediator.pk])

    page = client.get(url).content.decode()
    assert "近12个月培训 10.0 学时 / 要求 12.0 学时" in page
    assert 'data-testid="training-short"' in page and "差 2.0 学时" in page
    assert "证券纠纷调解实务" in page

    response = client.post(
        reverse("training-record-new", args=[mediator.pk]),
        {"course": "投资者保护专题", "provider": "投资者保护局", "hours": "2", "completed_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="training-met"' in page and "未达标" not in page


def test_the_mediator_page_pages_the_records(admin_a, mediator_a):
    mediator = record_of(mediator_a)
    for day in range(25):
        actions.record_training(admin_a, mediator, data("1", TODAY - dt.timedelta(days=day), course=f"课程{day:02d}"))
    client = client_for(admin_a)
    first = client.get(reverse("registry-mediator", args=[mediator.pk]))
    assert first.content.decode().count('data-testid="training-record"') == 20
    next_url = first.context["training_next_url"]
    second = client.get(next_url).content.decode()
    assert second.count('data-testid="training-record"') == 5 and "课程24" in second


def test_the_organisation_list_searches_and_filters_those_short(admin_a, mediator_a, mediator_a2):
    actions.record_training(admin_a, record_of(mediator_a), data("12", course="虚假陈述纠纷专题"))
    actions.record_training(admin_a, record_of(mediator_a2), data("3", course="调解技巧"))
    client = client_for(admin_a)
    url = reverse("training-organisation", args=[admin_a.institution_id])

    def names(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [m.name for m in response.context["mediators"]]

    assert names({}) == ["张调解", "赵调解"]
    assert names({"short": "on"}) == ["赵调解"]
    assert names({"q": "虚假陈述"}) == ["张调解"]
    assert names({"q": "赵调"}) == ["赵调解"]
    page = client.get(url, {"short": "on"}).content.decode()
    assert "差 9.0 学时" in page


# --- scope ---


def test_another_organisations_admin_cannot_see_or_keep_its_training(admin_a, admin_b, mediator_a):
    mediator = record_of(mediator_a)
    entry = actions.record_training(admin_a, mediator, data())
    client = client_for(admin_b)
    for name, args in (
        ("training-organisation", [admin_a.institution_id]),
        ("training-record-new", [mediator.pk]),
        ("training-record-edit", [entry.pk]),
        ("training-record-remove", [entry.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(reverse("training-record-remove", args=[entry.pk]), {"reason": "越权"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        actions.record_training(admin_b, mediator, data())
    with pytest.raises(PermissionDenied):
        actions.remove_training(admin_b, entry, "越权")
    assert TrainingRecord.objects.filter(removed_at__isnull=True).count() == 1


def test_a_regional_office_keeps_only_its_own_organisations(supervisor, mediator_a, mediator_c, org_c):
    mine = actions.record_training(supervisor, record_of(mediator_a), data())
    assert mine.entered_by == supervisor and mine.source == TrainingSource.ENTERED
    with pytest.raises(PermissionDenied):
        actions.record_training(supervisor, record_of(mediator_c), data())
    client = client_for(supervisor)
    assert client.get(reverse("training-organisation", args=[mediator_a.institution_id])).status_code == 200
    assert client.get(reverse("training-organisation", args=[org_c.pk])).status_code == 404
    response = client.post(
        reverse("training-record-new", args=[record_of(mediator_c).pk]),
        {"course": "课程", "provider": "单位", "hours": "2", "completed_on": TODAY.isoformat()},
    )
    assert response.status_code == 404
    assert TrainingRecord.objects.count() == 1
    # The requirement page lists the organisations it keeps, not the others.
    page = client.get(reverse("training-requirement")).content.decode()
    assert mediator_a.institution.name in page and org_c.name not in page


def test_the_bureau_keeps_every_organisations_training(bureau_user, mediator_a, mediator_c):
    for mediator in (mediator_a, mediator_c):
        actions.record_training(bureau_user, record_of(mediator), data())
    assert TrainingRecord.objects.count() == 2


# --- audit and corrections ---


def test_every_change_is_audited(admin_a, bureau_user, mediator_a):
    entry = actions.record_training(admin_a, record_of(mediator_a), data("4"))
    actions.correct_training(admin_a, entry, data("6"), "学时录入有误")
    actions.remove_training(admin_a, entry, "重复录入")
    actions.set_requirement(bureau_user, "16", "年度培训计划调整")

    assert audit_actions() == ["training.record", "training.correct", "training.remove", "training.set_requirement"]
    correction = AuditRecord.objects.get(action="training.correct")
    assert correction.before["hours"] == "4.0" and correction.after["hours"] == "6.0"
    assert correction.after["reason"] == "学时录入有误"
    entry.refresh_from_db()
    assert entry.removed_by == admin_a and entry.removed_reason == "重复录入"
    assert selectors.standing(record_of(mediator_a)).hours == 0


def test_the_bureau_sets_the_requirement_and_its_history_is_kept(bureau_user, admin_a, mediator_a):
    client = client_for(bureau_user)
    response = client.post(reverse("training-requirement-set"), {"hours": "20", "reason": "提高要求"})
    assert response.status_code == 302
    client.post(reverse("training-requirement-set"), {"hours": "16", "reason": "适当下调"})
    assert selectors.current_requirement().hours == Decimal("16")
    assert list(TrainingRequirement.objects.order_by("id").values_list("hours", flat=True)) == [20, 16]
    page = client.get(reverse("training-requirement")).content.decode()
    assert "提高要求" in page and "适当下调" in page and "应完成培训 16.0 学时" in page
    # The mediator's page measures against the requirement in force.
    mediator_page = client_for(admin_a).get(reverse("registry-mediator", args=[record_of(mediator_a).pk]))
    assert "要求 16.0 学时" in mediator_page.content.decode()
    # Only the Bureau sets it.
    assert (
        client_for(admin_a).post(reverse("training-requirement-set"), {"hours": "1", "reason": "x"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        actions.set_requirement(admin_a, "1", "x")
    assert audit_actions() == ["training.set_requirement", "training.set_requirement"]


# --- bad input, refused in Chinese ---


@pytest.mark.parametrize(
    ("hours", "days_ahead", "message"),
    [
        ("0", 0, "学时须大于0且不超过200"),
        ("200.5", 0, "学时须大于0且不超过200"),
        ("1.25", 0, "学时最多保留一位小数"),
        ("三", 0, "学时须为数字"),
        ("2", 1, "完成日期不能晚于今天"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(admin_a, mediator_a, hours, days_ahead, message):
    # Today is taken when the test runs, not when the module was collected: a run may cross midnight in China.
    completed_on = china_today() + dt.timedelta(days=days_ahead)
    response = client_for(admin_a).post(
        reverse("training-record-new", args=[record_of(mediator_a).pk]),
        {"course": "课程", "provider": "单位", "hours": hours, "completed_on": completed_on.isoformat()},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingRecord.objects.exists() and audit_actions() == []


def test_corrections_and_removals_need_a_reason(admin_a, bureau_user, mediator_a):
    entry = actions.record_training(admin_a, record_of(mediator_a), data())
    with pytest.raises(DomainError, match="请填写更正理由"):
        actions.correct_training(admin_a, entry, data("5"), " ")
    with pytest.raises(DomainError, match="请填写删除理由"):
        actions.remove_training(admin_a, entry, "")
    with pytest.raises(DomainError, match="学时须大于0且不超过200"):
        actions.set_requirement(bureau_user, "0", "取消要求")
    with pytest.raises(DomainError, match="请填写课程名称"):
        actions.record_training(admin_a, record_of(mediator_a), data(course=" "))


# --- the certificate file ---


def test_a_certificate_is_stored_and_served_to_those_in_reach(admin_a, admin_b, mediator_a, sandbox):  # noqa: F811
    pdf = SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    entry = actions.record_training(admin_a, record_of(mediator_a), data(number="ZS-2026-001"), certificate=pdf)
    assert entry.certificate is not None
    url = reverse("training-certificate", args=[entry.pk])
    response = client_for(admin_a).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(admin_b).get(url).status_code == 404


# --- Excel import ---


def row(mediator_user, *, name=None, hours=4, completed_on=None, course="证券纠纷调解实务"):
    number = decrypt(record_of(mediator_user).id_number_encrypted)
    return [name or mediator_user.full_name, number, course, "中国证券业协会", hours, completed_on or TODAY, "ZS-1"]


def import_training(actor, organisation, rows):
    job = registry.queue_import(
        actor, ImportKind.TRAINING, "培训记录.xlsx", xlsx(HEADERS, rows), organisation=organisation
    )
    return runner.run_import(job)


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_row(admin_a, mediator_a, mediator_a2):
    job = import_training(
        admin_a,
        admin_a.institution,
        [row(mediator_a), row(mediator_a2, hours=0), row(mediator_a, course="第二门课")],
    )
    assert job.state == ImportState.FAILED
    assert job.errors == [{"row": 3, "column": "学时", "message": "学时须大于0且不超过200"}]
    assert not TrainingRecord.objects.exists()


def test_an_import_refuses_a_mediator_not_of_the_organisation_or_a_wrong_name(admin_a, mediator_a, mediator_b):
    job = import_training(
        admin_a,
        admin_a.institution,
        [row(mediator_a), row(mediator_b), row(mediator_a, name="张三", course="另一门课"), row(mediator_a)],
    )
    assert job.state == ImportState.FAILED
    assert job.errors == [
        {"row": 3, "column": "公民身份号码", "message": "本调解组织没有登记该公民身份号码的调解员"},
        {"row": 4, "column": "姓名", "message": "姓名与登记的不一致：该公民身份号码登记的姓名为“张调解”"},
        {"row": 5, "column": "课程名称", "message": "与第2行的课程名称重复"},
    ]
    assert not TrainingRecord.objects.exists()


def test_a_good_file_imports_every_row(supervisor, mediator_a, mediator_a2):
    day = TODAY - dt.timedelta(days=40)
    job = import_training(
        supervisor,
        mediator_a.institution,
        [
            row(mediator_a, hours=6),
            row(mediator_a2, hours=2.5, completed_on=f"{day:%Y/%m/%d}"),
            row(mediator_a, course="第二门课"),
        ],
    )
    assert job.state == ImportState.DONE and job.imported == 3
    records = TrainingRecord.objects.order_by("hours")
    assert [(r.mediator.name, r.hours, r.source, r.entered_by) for r in records] == [
        ("赵调解", Decimal("2.5"), TrainingSource.IMPORTED, supervisor),
        ("张调解", Decimal("4.0"), TrainingSource.IMPORTED, supervisor),
        ("张调解", Decimal("6.0"), TrainingSource.IMPORTED, supervisor),
    ]
    assert records[0].completed_on == day
    assert selectors.standing(record_of(mediator_a)).hours == Decimal("10")
    assert AuditRecord.objects.filter(action="registry.import.write", after__kind="training").exists()


def test_the_upload_page_takes_a_training_file_within_scope(admin_a, admin_b, mediator_a):
    client = client_for(admin_a)
    template = client.get(reverse("import-template", args=["training"]))
    assert template.status_code == 200
    upload = SimpleUploadedFile("培训.xlsx", xlsx(HEADERS, [row(mediator_a)]))
    response = client.post(
        reverse("import-upload"), {"kind": "training", "organisation": admin_a.institution_id, "file": upload}
    )
    assert response.status_code == 302
    with pytest.raises(PermissionDenied):
        registry.queue_import(
            admin_b, ImportKind.TRAINING, "x.xlsx", xlsx(HEADERS, [row(mediator_a)]), organisation=admin_a.institution
        )


def test_a_mediator_does_not_keep_training_records(mediator_a):
    """The training pages are the keepers' (the matrix: KEEPERS); a mediator's account reaches none of them."""
    client = client_for(mediator_a)
    mediator = record_of(mediator_a)
    assert client.get(reverse("training-organisation", args=[mediator_a.institution_id])).status_code == 404
    assert client.get(reverse("training-record-new", args=[mediator.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.record_training(mediator_a, mediator, data())
