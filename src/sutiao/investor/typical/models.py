"""A typical case (典型案例) as an organisation proposes it and a reviewer publishes it (issue 13 §7). The original
text names the parties and is kept encrypted; what is published is the de-identified text the reviewer approved.
Loaded with the investor app's models (investor/models.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution
from sutiao.accounts.pii import EncryptedText
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import TypicalCaseState

_USER = settings.AUTH_USER_MODEL


class TypicalCase(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediation = models.ForeignKey(
        "investor.Mediation", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="typical_cases"
    )
    organisation = models.ForeignKey(
        Institution, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="typical_cases"
    )
    dispute_type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices())
    state = models.CharField(
        _("状态"), max_length=16, choices=TypicalCaseState.choices(), default=TypicalCaseState.PROPOSED
    )
    title = models.CharField(_("标题"), max_length=100)
    # What the organisation wrote, names and numbers as in the case: encrypted, read only by the organisation and
    # the reviewers (selectors.typical_case_for).
    original = EncryptedText(_("案例原文"))
    original_significance = EncryptedText(_("典型意义原文"))
    # What the public reads once approved: produced by kernel.deidentify, then corrected by the reviewer.
    text = models.TextField(_("案例（去标识化）"))
    significance = models.TextField(_("典型意义（去标识化）"))
    # What de-identification replaced, by kind and pseudonym with counts (never the replaced values).
    replaced = models.JSONField(_("替换记录"), default=list)
    proposed_by = models.ForeignKey(_USER, verbose_name=_("推荐人"), on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("推荐时间"))
    reviewed_by = models.ForeignKey(
        _USER, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    # The published words only (title, de-identified text), for the public search (sutiao.listing).
    search_text = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("典型案例")
        indexes = [
            # The public page: published cases, newest first, optionally of one dispute type.
            models.Index(fields=["state", "-published_at", "id"], name="typical_published"),
            models.Index(fields=["state", "dispute_type", "-published_at", "id"], name="typical_published_type"),
            # An organisation's or a reviewer's list: by organisation, newest proposal first.
            models.Index(fields=["organisation", "-proposed_at", "id"], name="typical_by_organisation"),
            models.Index(fields=["state", "-proposed_at", "id"], name="typical_by_state"),
        ]

    def __str__(self) -> str:
        return self.title
