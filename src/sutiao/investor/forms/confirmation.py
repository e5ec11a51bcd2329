"""The form by which a party (or its agent) joins the joint application for judicial confirmation
(investor/actions/confirmation.py): its domicile, and for the first to join a mediation the organisation ran on
its own, the places that decide competence and the court chosen among the competent ones (L11)."""

from django import forms
from django.utils.translation import gettext_lazy as _

_CODE = {"pattern": r"\d{2}|\d{4}|\d{6}", "inputmode": "numeric", "class": "form-control"}


class JoinForm(forms.Form):
    FACTS = ("domicile", "organisation_seat", "subject_matter", "issuer_seat")

    party = forms.TypedChoiceField(
        label=_("以哪一方当事人的名义申请"),
        coerce=int,
        error_messages={"invalid_choice": _("您不能以该当事人的名义申请")},
    )
    domicile = forms.RegexField(
        label=_("该当事人住所地（6位行政区划代码）"),
        regex=r"^\d{6}$",
        widget=forms.TextInput(attrs={**_CODE, "pattern": r"\d{6}"}),
        error_messages={"invalid": _("住所地请填写6位行政区划代码")},
    )
    organisation_seat = forms.RegexField(
        label=_("调解组织所在地（行政区划代码，选填）"),
        regex=r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        widget=forms.TextInput(attrs=_CODE),
    )
    subject_matter = forms.RegexField(
        label=_("标的物所在地（行政区划代码，选填）"),
        regex=r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        widget=forms.TextInput(attrs=_CODE),
    )
    issuer_seat = forms.RegexField(
        label=_("发行人住所地（证券虚假陈述纠纷填写）"),
        regex=r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        widget=forms.TextInput(attrs=_CODE),
    )
    court = forms.ChoiceField(label=_("向哪一法院申请"))

    def __init__(self, *args, parties, courts, first: bool, direct: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {p.pk: p for p in parties}
        self.fields["party"].choices = [(p.pk, f"{p.get_role_display()} {p.name}") for p in parties]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if first and direct:
            self.fields["court"].choices = [(c.court_id, f"{c.name}（{c.venue.ground.label}）") for c in courts]
        else:
            # The court is fixed: the delegating court, or the one the first party chose.
            for name in ("organisation_seat", "subject_matter", "issuer_seat", "court"):
                del self.fields[name]

    def clean_party(self):
        party = self.parties.get(self.cleaned_data["party"])
        if party is None:
            raise forms.ValidationError(_("您不能以该当事人的名义申请"))
        return party
