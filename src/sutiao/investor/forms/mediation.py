"""The mediator's workspace forms; each feeds one action of investor/actions/mediation.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.mediation import RecusalDecision, TerminationGround
from sutiao.translation import translated_choices

from ..mediation.models import EvidenceAudience, NotifyChannel, NotifyResult, RecusalKind, SessionMode
from ..selectors import assignable_mediators

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, rows=2, required=True, max_length=5000):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class _PartyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_role_display()} {obj.name}"


class _Parties(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.get_role_display()} {obj.name}"


class NotifyForm(forms.Form):
    party = _PartyChoice(label=_("当事人"), queryset=None)
    channel = forms.ChoiceField(label=_("方式"), choices=NotifyChannel.choices)
    at = forms.DateTimeField(label=_("时间"), widget=_DT)
    result = forms.ChoiceField(label=_("结果"), choices=NotifyResult.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)

    def __init__(self, *args, mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = mediation.parties.all()


class AppraisalStartForm(forms.Form):
    started_on = forms.DateField(label=_("鉴定评估开始日期"), widget=_D)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)


class AppraisalEndForm(forms.Form):
    ended_on = forms.DateField(label=_("鉴定评估结束日期"), widget=_D)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延长日数"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("理由"), max_length=1000)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("调解时间"), widget=_DT)
    mode = forms.ChoiceField(label=_("方式"), choices=SessionMode.choices)
    place = forms.CharField(label=_("地点/会议链接"), required=False, max_length=300)
    parties = _Parties(label=_("邀请的当事人"), queryset=None)
    channel = forms.ChoiceField(label=_("邀请方式"), choices=NotifyChannel.choices)

    def __init__(self, *args, mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = mediation.parties.all()


class IdentityForm(forms.Form):
    method = forms.CharField(label=_("核实方式"), max_length=200, initial=_("身份证件在线比对"))
    passed = forms.BooleanField(label=_("身份核实通过"), required=False)
    warned = forms.BooleanField(label=_("已告知虚假调解的法律后果，当事人已确认"), required=False)


class HeldForm(forms.Form):
    attended = forms.MultipleChoiceField(label=_("出席的当事人"), required=False, widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=_("情况"), required=False, max_length=2000)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(p.pk), p.party.name) for p in session.participants.all()]


class MessageForm(forms.Form):
    text = _text(_("消息"))
    caucus_with = _PartyChoice(
        label=_("背对背（仅与该当事人）"), queryset=None, required=False, empty_label=_("发给各方当事人")
    )

    def __init__(self, *args, mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caucus_with"].queryset = mediation.parties.all()


class PartyMessageForm(forms.Form):
    text = _text(_("消息"))
    private = forms.BooleanField(label=_("仅发给调解员（背对背）"), required=False)


class EvidenceForm(forms.Form):
    """Evidence for upload_evidence: the file is checked there (sutiao.documents), so its refusals — empty,
    too large, a type other than its name says — are the action's, in its words."""

    file = forms.FileField(
        label=_("文件（PDF、JPG、PNG、Word .docx、Excel .xlsx）"),
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )
    title = forms.CharField(label=_("证据名称"), max_length=200)
    audience = forms.ChoiceField(label=_("送达范围"))
    addressed_to = _PartyChoice(label=_("送达的当事人（背对背时选择）"), queryset=None, required=False)

    def __init__(self, *args, mediation, mediator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if mediator:
            allowed = (EvidenceAudience.ALL, EvidenceAudience.PARTY)
            self.fields["addressed_to"].queryset = mediation.parties.all()
        else:
            allowed = (EvidenceAudience.ALL, EvidenceAudience.MEDIATOR)
            del self.fields["addressed_to"]
        self.fields["audience"].choices = [(a.value, a.label) for a in allowed]


class RecordForm(forms.Form):
    text = _text(_("调解笔录"), rows=8, max_length=50000)


class DiscloseForm(forms.Form):
    text = _text(_("需要披露的情形（《人民法院在线调解规则》第十三条）"))


class RecusalForm(forms.Form):
    kind = forms.ChoiceField(label=_("申请事项"), choices=RecusalKind.choices)
    reason = _text(_("理由"), max_length=2000)


class DecideRecusalForm(forms.Form):
    decision = forms.ChoiceField(label=_("决定"), choices=translated_choices(RecusalDecision.choices()))
    reason = forms.CharField(label=_("决定理由"), max_length=2000)
    new_mediator = forms.ModelChoiceField(label=_("更换后的调解员"), queryset=None, required=False)

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_mediator"].queryset = assignable_mediators(organisation_id)
        self.fields["new_mediator"].label_from_instance = lambda u: u.display_name


class EndForm(forms.Form):
    """How the mediation ends: success with terms, withdrawal, or a ground of Art. 25 (L7) with the failure
    record (L17), one position per party."""

    outcome = forms.ChoiceField(label=_("调解结果"), choices=translated_choices(MediationOutcome.choices()))
    terms = _text(_("调解协议内容（调解成功时填写）"), rows=4, required=False, max_length=50000)
    reason = _text(_("撤回情况（撤回时填写）"), required=False)
    ground = forms.ChoiceField(
        label=_("终结事由（调解不成时选择）"),
        required=False,
        choices=[("", "—")]
        + translated_choices([c for c in TerminationGround.choices() if c[0] not in ("agreement", "withdrawn")]),
    )
    undisputed_facts = _text(_("无争议事实"), required=False, max_length=20000)
    disputed_points = _text(_("争议焦点"), required=False, max_length=20000)
    cost_raising_conduct = _text(_("导致其他当事人诉讼成本增加的行为"), required=False, max_length=20000)
    notes = _text(_("需要提示法院的其他情况"), required=False, max_length=20000)

    def __init__(self, *args, mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(mediation.parties.all())
        for p in self.parties:
            self.fields[f"position_{p.pk}"] = forms.CharField(
                label=_("%(party)s的意见") % {"party": p.name}, required=False, max_length=20000
            )

    def failure_record(self) -> dict:
        data = self.cleaned_data
        return {
            "undisputed_facts": data["undisputed_facts"],
            "disputed_points": data["disputed_points"],
            "positions": {p.name: data[f"position_{p.pk}"] for p in self.parties},
            "cost_raising_conduct": data["cost_raising_conduct"],
            "notes": data["notes"],
        }


class ResultCorrectionForm(EndForm):
    """A result recorded by mistake, corrected within the window (actions.delegations.correct_result): the record
    as it should read, the outcome kept, and why."""

    correction_reason = _text(_("更正理由"), max_length=2000)

    def __init__(self, *args, mediation, delegation, **kwargs):
        failure = mediation.failure_record or {}
        positions = failure.get("positions", {})
        initial = {
            "terms": delegation.terms,
            "reason": delegation.outcome_reason,
            "ground": mediation.ground if delegation.outcome == MediationOutcome.FAILED else "",
            **{k: failure.get(k, "") for k in ("undisputed_facts", "disputed_points", "cost_raising_conduct", "notes")},
            **{f"position_{p.pk}": positions.get(p.name, "") for p in mediation.parties.all()},
        }
        super().__init__(*args, mediation=mediation, initial=initial, **kwargs)
        del self.fields["outcome"]
        self.outcome = delegation.outcome
        if self.outcome != MediationOutcome.SUCCEEDED:
            del self.fields["terms"]
        if self.outcome != MediationOutcome.FAILED:
            for name in [n for n in self.fields if n.startswith("position_")] + [
                "ground",
                "undisputed_facts",
                "disputed_points",
                "cost_raising_conduct",
                "notes",
            ]:
                del self.fields[name]
        if self.outcome == MediationOutcome.SUCCEEDED:
            del self.fields["reason"]

    def result(self) -> dict:
        data = self.cleaned_data
        failed = self.outcome == MediationOutcome.FAILED
        return {
            "terms": data.get("terms", ""),
            "reason": data.get("reason", ""),
            "ground": (data.get("ground") or None) if failed else None,
            "failure_record": self.failure_record() if failed else None,
        }
