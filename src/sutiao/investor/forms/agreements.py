"""The agreement editor's forms (investor/actions/agreements.py): the clauses, and the terms as a formset. Every
problem — a field Django cannot read and what the kernel refuses (kernel.agreement.term_problems) — is shown in
one pass, each on its own field."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.agreement import TermKind, term_problems
from sutiao.kernel.calendar import china_today
from sutiao.translation import translated_choices

from ..actions.agreements import TermInput
from ..agreements.models import PerformanceStep

_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClausesForm(forms.Form):
    clauses = forms.CharField(
        label=_("协议条款"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": _("请填写协议条款")},
    )
    note = forms.CharField(label=_("修改说明"), required=False, max_length=500)


class TermForm(forms.Form):
    obligor = forms.TypedChoiceField(label=_("义务人"), coerce=int, empty_value=None, required=False)
    obligee = forms.TypedChoiceField(label=_("权利人"), coerce=int, empty_value=None, required=False)
    kind = forms.ChoiceField(
        label=_("履行方式"), choices=[("", "—"), *translated_choices(TermKind.choices())], required=False
    )
    description = forms.CharField(label=_("履行内容"), required=False, max_length=500)
    amount = forms.DecimalField(
        label=_("金额（元）"),
        required=False,
        max_digits=20,
        error_messages={"invalid": _("金额请填写数字，如 125000.00")},
    )
    due = forms.DateField(
        label=_("履行期限"), required=False, widget=_D, error_messages={"invalid": _("请按“年-月-日”填写日期")}
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((p.pk, f"{p.get_role_display()} {p.name}") for p in parties)]
        self.fields["obligor"].choices = self.fields["obligee"].choices = choices

    def term(self) -> TermInput:
        data = getattr(self, "cleaned_data", {})
        return TermInput(
            obligor=data.get("obligor"),
            obligee=data.get("obligee"),
            kind=data.get("kind") or "",
            description=data.get("description") or "",
            amount=data.get("amount"),
            due=data.get("due"),
        )


TermFormSet = forms.formset_factory(TermForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def term_initial(terms) -> list[dict]:
    return [
        {
            "obligor": t.obligor_id,
            "obligee": t.obligee_id,
            "kind": t.kind,
            "description": t.description,
            "amount": t.amount,
            "due": t.due,
        }
        for t in terms
    ]


class Editor:
    """The clauses form and the terms formset, bound together; `check()` adds every problem at once."""

    def __init__(self, data=None, *, parties, clauses="", note="", terms=()):
        self.parties = list(parties)
        initial = {"clauses": clauses, "note": note}
        self.form = ClausesForm(data, initial=initial, prefix="agreement")
        self.terms = TermFormSet(
            data, initial=term_initial(terms), prefix="terms", form_kwargs={"parties": self.parties}
        )

    def kept(self) -> list[TermForm]:
        """The term rows that count: filled in, not marked for deletion."""
        out = []
        for form in self.terms.forms:
            if not form.has_changed() and form not in self.terms.initial_forms:
                continue
            if form.is_bound:
                form.is_valid()  # cleans it: the deletion box reads even where another field is wrong
                if form.cleaned_data.get("DELETE"):
                    continue
            out.append(form)
        return out

    def check(self) -> bool:
        """Valid as Django reads it and as the kernel decides; each problem is put on its field."""
        ok = self.form.is_valid() & self.terms.is_valid()
        kept = self.kept()
        clauses = self.form.cleaned_data.get("clauses", "") if hasattr(self.form, "cleaned_data") else ""
        problems = term_problems(clauses or " ", [f.term() for f in kept], {p.pk for p in self.parties}, china_today())
        for p in problems:
            if p.index is None:
                if p.field == "clauses" and self.form.errors.get("clauses"):
                    continue
                self.form.add_error(p.field if p.field in self.form.fields else None, gettext(p.message))
            else:
                form = kept[p.index]
                if not form.errors.get(p.field):
                    form.add_error(p.field, gettext(p.message))
            ok = False
        return ok

    def show_problems(self, problems) -> None:
        """An action's AgreementProblems, on the same fields (e.g. a due date that passed while the page was open)."""
        kept = self.kept()
        for p in problems:
            if p.index is None or p.index >= len(kept):
                self.form.add_error(p.field if p.field in self.form.fields else None, gettext(p.message))
            else:
                kept[p.index].add_error(p.field, gettext(p.message))

    def inputs(self) -> list[TermInput]:
        return [f.term() for f in self.kept()]


class PerformanceForm(forms.Form):
    step = forms.ChoiceField(choices=PerformanceStep.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class SigningCodeForm(forms.Form):
    """The SMS code a signer confirms a signature (or a paper agreement) with."""

    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"required": _("请输入短信验证码"), "invalid": _("验证码为6位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PaperForm(forms.Form):
    """The scan of an agreement signed on paper."""

    file = forms.FileField(label=_("扫描件（PDF、JPG或PNG）"), error_messages={"required": _("请选择扫描件")})
    offline = forms.BooleanField(label=_("本协议系线下调解达成"), required=False)
