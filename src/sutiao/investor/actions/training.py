"""Mediators' training (法办〔2021〕313号 五: multi-level training; issue 13 §6): recording a course a mediator
completed, correcting or removing a record, and the Bureau's requirement of hours within the last twelve months.
One transaction each: permission (`permissions.ensure_keeps_training`), the change, its audit record."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import User
from sutiao.audit.log import record
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError

from .. import permissions
from ..models import Mediator
from ..registry.cards import tell_courts_of_training
from ..training.models import MAX_HOURS, TrainingRecord, TrainingRequirement, TrainingSource
from ..training.selectors import current_requirement


@dataclass(frozen=True)
class TrainingData:
    course: str
    provider: str
    hours: Decimal | str | None
    completed_on: dt.date | None
    certificate_number: str = ""


def clean_training(data: TrainingData, today: dt.date | None = None) -> TrainingData:
    """The record's values, stripped and checked (a form, the Excel import and the actions share this); raises
    DomainError naming the field."""
    course, provider = (data.course or "").strip(), (data.provider or "").strip()
    number = (data.certificate_number or "").strip()
    if not course:
        raise DomainError(gettext("请填写课程名称"), field="course")
    if len(course) > 200:
        raise DomainError(gettext("课程名称不得超过200个字符"), field="course")
    if not provider:
        raise DomainError(gettext("请填写培训举办单位"), field="provider")
    if len(provider) > 200:
        raise DomainError(gettext("培训举办单位不得超过200个字符"), field="provider")
    if len(number) > 100:
        raise DomainError(gettext("证书编号不得超过100个字符"), field="certificate_number")
    hours = clean_hours(data.hours, field="hours")
    if data.completed_on is None:
        raise DomainError(gettext("请填写完成日期"), field="completed_on")
    if data.completed_on > (today or china_today()):
        raise DomainError(gettext("完成日期不能晚于今天"), field="completed_on")
    return TrainingData(course, provider, hours, data.completed_on, number)


def clean_hours(value, *, field: str) -> Decimal:
    """Hours: a number above 0 and at most 200, to one decimal place."""
    try:
        hours = Decimal(str(value).strip()) if value is not None and str(value).strip() else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        raise DomainError(gettext("学时须为数字"), field=field)
    if hours <= 0 or hours > MAX_HOURS:
        raise DomainError(gettext("学时须大于0且不超过200"), field=field)
    if hours != hours.quantize(Decimal("0.1")):
        raise DomainError(gettext("学时最多保留一位小数"), field=field)
    return hours.quantize(Decimal("0.1"))


def snapshot(r: TrainingRecord) -> dict:
    return {
        "course": r.course,
        "provider": r.provider,
        "hours": str(r.hours),
        "completed_on": r.completed_on.isoformat(),
        "certificate_number": r.certificate_number,
        "certificate": str(r.certificate_id) if r.certificate_id else None,
    }


def _certificate(actor: User, upload, mediator: Mediator):
    if upload is None:
        return None
    # The stored label is part of the record, kept in Chinese whatever language the page is in.
    return accept_upload(upload, uploaded_by=actor, kind=FileKind.DOCUMENT, label=f"培训证书：{mediator.name}")


def _reason(reason: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(missing, field="reason")
    if len(reason) > 500:
        raise DomainError(gettext("理由不得超过500个字符"), field="reason")
    return reason


@transaction.atomic
def record_training(actor: User, mediator: Mediator, data: TrainingData, certificate=None) -> TrainingRecord:
    """A course the mediator completed, entered by their organisation's administrator, its supervising body or
    the Bureau; an optional certificate file enters through the documents app."""
    mediator = Mediator.objects.select_related("organisation").get(pk=mediator.pk)
    permissions.ensure_keeps_training(actor, mediator.organisation)
    data = clean_training(data)
    entry = TrainingRecord(
        mediator=mediator,
        course=data.course,
        provider=data.provider,
        hours=data.hours,
        completed_on=data.completed_on,
        certificate_number=data.certificate_number,
        certificate=_certificate(actor, certificate, mediator),
        source=TrainingSource.ENTERED,
        entered_by=actor,
        entered_at=timezone.now(),
    )
    entry.save()
    record(actor, "training.record", entry, after={"mediator": str(mediator.pk), **snapshot(entry)})
    tell_courts_of_training([mediator.pk], "培训记录更新")
    return entry


def _locked(entry: TrainingRecord) -> TrainingRecord:
    found = (
        TrainingRecord.objects.select_for_update()
        .select_related("mediator__organisation")
        .filter(pk=entry.pk, removed_at__isnull=True)
        .first()
    )
    if found is None:
        raise DomainError(gettext("该培训记录已被删除"))
    return found


@transaction.atomic
def correct_training(
    actor: User, entry: TrainingRecord, data: TrainingData, reason: str, certificate=None
) -> TrainingRecord:
    """Correct a record entered wrongly, saying why; a new certificate file replaces the old one (which stays
    stored, named in the audit record)."""
    entry = _locked(entry)
    permissions.ensure_keeps_training(actor, entry.mediator.organisation)
    data = clean_training(data)
    reason = _reason(reason, gettext("请填写更正理由"))
    before = snapshot(entry)
    entry.course, entry.provider, entry.hours = data.course, data.provider, data.hours
    entry.completed_on, entry.certificate_number = data.completed_on, data.certificate_number
    if certificate is not None:
        entry.certificate = _certificate(actor, certificate, entry.mediator)
    after = snapshot(entry)
    if after == before:
        raise DomainError(gettext("内容未变化"))
    entry.corrected_at, entry.correction_reason = timezone.now(), reason
    entry.save()
    record(actor, "training.correct", entry, before=before, after={**after, "reason": reason})
    tell_courts_of_training([entry.mediator_id], "培训记录更正")
    return entry


@transaction.atomic
def remove_training(actor: User, entry: TrainingRecord, reason: str) -> TrainingRecord:
    """Remove a record entered by mistake, saying why: it stays (marked removed) and no longer counts."""
    entry = _locked(entry)
    permissions.ensure_keeps_training(actor, entry.mediator.organisation)
    reason = _reason(reason, gettext("请填写删除理由"))
    entry.removed_at, entry.removed_by, entry.removed_reason = timezone.now(), actor, reason
    entry.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    record(actor, "training.remove", entry, before=snapshot(entry), after={"removed": True, "reason": reason})
    tell_courts_of_training([entry.mediator_id], "培训记录删除")
    return entry


@transaction.atomic
def set_requirement(actor: User, hours, reason: str) -> TrainingRequirement:
    """The Bureau sets the hours within the last twelve months a mediator on the jointly recognised roster must
    have; the previous settings stay as its history."""
    permissions.ensure_bureau(actor, gettext("仅投资者保护局可设置培训学时要求"))
    hours = clean_hours(hours, field="hours")
    reason = _reason(reason, gettext("请填写调整说明"))
    before = current_requirement().hours
    if hours == before:
        raise DomainError(gettext("要求学时未变化"), field="hours")
    row = TrainingRequirement.objects.create(hours=hours, set_by=actor, set_at=timezone.now(), reason=reason)
    record(
        actor,
        "training.set_requirement",
        row,
        before={"hours": str(before)},
        after={"hours": str(hours), "reason": reason},
    )
    return row
