"""Forms of the registry pages. They collect what was typed; the actions check it (the same rules as for the
API and an Excel row) and a refusal is shown on the field it names."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Role, User
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.identifiers import mask
from sutiao.kernel.regions import NATIONWIDE, PROVINCES
from sutiao.kernel.workflow import InvestorProposalState
from sutiao.translation import translated_choices

from ..models import Mediator, OrgKind, Qualification, RegistryStatus
from ..registry.data import MediatorData, OrgData
from ..selectors import courts, supervising_bodies

EVERY_COURT_CHOICE = "all"


def scope_choices() -> list[tuple[str, str]]:
    return [(NATIONWIDE, _("全国")), *[(p.name, p.name) for p in PROVINCES]]


class BootstrapForm(forms.Form):
    """Bootstrap 5 classes on every widget; a field in error is marked so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields and "is-invalid" not in self.fields[field].widget.attrs.get("class", ""):
            self.fields[field].widget.attrs["class"] += " is-invalid"


class OrganisationForm(BootstrapForm):
    name = forms.CharField(label=_("调解组织名称"), max_length=200)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，按 GB 32100-2015 校验"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=_("组织类型"), choices=OrgKind.choices)
    supervisor = forms.ModelChoiceField(
        label=_("指导单位（派出机构或会管单位）"), queryset=None, empty_label=_("请选择指导单位")
    )
    scope = forms.MultipleChoiceField(label=_("服务地域"), choices=(), widget=forms.CheckboxSelectMultiple)
    dispute_types = forms.MultipleChoiceField(
        label=_("受理纠纷类型"),
        choices=translated_choices(DisputeType.choices()),
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_("可同时办理案件数"), min_value=1, max_value=1_000_000)
    address = forms.CharField(label=_("住所"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args, can_change_supervisor: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervising_bodies()
        self.fields["scope"].choices = scope_choices()
        if not can_change_supervisor:
            self.fields["supervisor"].disabled = True
            self.fields["supervisor"].help_text = _("仅投资者保护局可变更指导单位")

    @staticmethod
    def initial_for(org) -> dict:
        return {
            "name": org.institution.name,
            "uscc": org.uscc,
            "kind": org.kind,
            "supervisor": org.institution.parent_id,
            "scope": list(org.scope),
            "dispute_types": list(org.dispute_types),
            "capacity": org.capacity,
            "address": org.address,
            "contact_name": org.contact_name,
            "contact_phone": org.contact_phone,
            "contact_email": org.contact_email,
        }

    def data_for_service(self) -> OrgData:
        d = self.cleaned_data
        return OrgData(
            name=d["name"],
            uscc=d["uscc"],
            kind=d["kind"],
            supervisor_id=d["supervisor"].pk,
            scope=list(d["scope"]),
            dispute_types=list(d["dispute_types"]),
            capacity=d["capacity"],
            address=d["address"],
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
            contact_email=d["contact_email"],
        )


class MediatorForm(BootstrapForm):
    name = forms.CharField(label=_("姓名"), max_length=100)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=40,
        help_text=_("18位，按 GB 11643-1999 校验；加密保存，页面只显示脱敏号码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    specialties = forms.MultipleChoiceField(
        label=_("擅长纠纷类型"),
        choices=translated_choices(DisputeType.choices()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    qualifications = forms.MultipleChoiceField(
        label=_("资质"), choices=Qualification.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    training_hours = forms.DecimalField(
        label=_("培训学时"), min_value=0, max_value=Decimal("99999.9"), max_digits=6, decimal_places=1, initial=0
    )
    user = forms.ModelChoiceField(
        label=_("登录账号（可选）"), queryset=User.objects.none(), required=False, empty_label=_("不关联")
    )

    def __init__(
        self, *args, organisation_id=None, editing: Mediator | None = None, phone_shown: bool = True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.editing, self.phone_shown = editing, phone_shown
        if editing is not None and not phone_shown:
            # Who sees the phone masked (permissions.sees_mediator_phones) replaces it or leaves it as it is.
            self.initial["phone"] = ""
            self.fields["phone"].help_text = _("当前：%(masked)s。留空则不变更") % {
                "masked": mask("phone", editing.phone) or "—"
            }
        if editing is not None:
            # The number is never shown decrypted: left blank, it stays as registered.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前：%(masked)s。留空则不变更；如需更正，请填写完整号码") % {
                "masked": editing.id_number_masked
            }
            del self.fields["user"]
        else:
            self.fields["user"].queryset = User.objects.filter(
                role=Role.MEDIATOR, institution_id=organisation_id, is_active=True, mediator_record__isnull=True
            ).order_by("full_name", "username")
            self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"

    @staticmethod
    def initial_for(mediator: Mediator) -> dict:
        return {
            "name": mediator.name,
            "phone": mediator.phone,
            "specialties": list(mediator.specialties),
            "qualifications": list(mediator.qualifications),
            "training_hours": mediator.training_hours,
        }

    def data_for_service(self, id_number: str) -> MediatorData:
        d = self.cleaned_data
        return MediatorData(
            name=d["name"],
            id_number=id_number,
            specialties=list(d["specialties"]),
            qualifications=list(d["qualifications"]),
            training_hours=d["training_hours"],
            phone=d["phone"] or (self.editing.phone if self.editing is not None and not self.phone_shown else ""),
        )


class StatusForm(BootstrapForm):
    status = forms.ChoiceField(label=_("状态"), choices=RegistryStatus.choices)
    reason = forms.CharField(
        label=_("原因（暂停、退出或离任时必填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CampaignForm(BootstrapForm):
    title = forms.CharField(label=_("名称"), max_length=200)
    due = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))


class PushForm(BootstrapForm):
    court = forms.ChoiceField(label=_("推送至"), choices=())
    note = forms.CharField(
        label=_("推送说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [
            (EVERY_COURT_CHOICE, _("全国各级人民法院（共同认定名册）")),
            *[(str(c.pk), c.name) for c in courts()],
        ]

    def court_id(self):
        value = self.cleaned_data["court"]
        return None if value == EVERY_COURT_CHOICE else value


class ProposalFilterForm(BootstrapForm):
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *translated_choices(InvestorProposalState.choices())], required=False
    )


class OrganisationFilterForm(BootstrapForm):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *RegistryStatus.choices], required=False)
    supervisor = forms.ModelChoiceField(
        label=_("指导单位"), queryset=None, required=False, empty_label=_("全部指导单位")
    )
    q = forms.CharField(label=_("名称、代码或联系人"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervising_bodies()


class AdoptionAnswerForm(forms.Form):
    """An answer to a lower court's request to take the organisation or mediator over (LEGAL-RULES L23). The
    reason is required to refuse (the action says so); how the answer was obtained is required when the
    organisation's administrator records an account-less mediator's own answer."""

    reason = forms.CharField(
        label=_("不同意的理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    how_obtained = forms.CharField(
        label=_("调解员本人意见的取得方式"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("如 电话确认、书面同意书")}),
    )

    def __init__(self, *args, recorded_for_mediator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not recorded_for_mediator:
            del self.fields["how_obtained"]
