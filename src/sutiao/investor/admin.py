from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.identifiers import mask_parties

from .actions.directory import save_court_entry
from .models import CourtDirectory, Delegation, DelegationEvent


class EventInline(admin.TabularInline):
    model = DelegationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "text"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["court_case_number", "organisation", "court_name", "state", "answer_due", "mediator"]
    list_filter = ["state", "kind", "organisation"]
    search_fields = ["court_case_number", "court_name"]
    inlines = [EventInline]
    # Operators see the parties masked (docs/personal-data.md).
    exclude = ["parties"]
    readonly_fields = ["masked_parties"]

    @admin.display(description=_("当事人"))
    def masked_parties(self, obj) -> str:
        return "；".join(" ".join(v for v in p.values() if v) for p in mask_parties(obj.parties or []))

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class CourtDirectoryForm(forms.ModelForm):
    court_id = forms.UUIDField(label=_("法院标识"), help_text=_("法院平台给出的法院标识"), required=False)

    class Meta:
        model = CourtDirectory
        fields = ["name", "peer", "active"]

    def clean_court_id(self):
        value = self.cleaned_data.get("court_id")
        if self.instance._state.adding:
            if value is None:
                raise forms.ValidationError(_("请填写法院平台给出的法院标识"))
            if CourtDirectory.objects.filter(pk=value).exists():
                raise forms.ValidationError(_("该法院已在名录中"))
        return value


@admin.register(CourtDirectory)
class CourtDirectoryAdmin(admin.ModelAdmin):
    """Courts the Bureau can push to. Read from the court platform every SUTIAO_COURT_DIRECTORY_SECONDS and
    learned from delegations; an operator may add a court before then, with the id the court platform gives it."""

    list_display = ["name", "id", "peer", "active", "synced_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    form = CourtDirectoryForm
    fields = ["court_id", "name", "peer", "active"]

    def get_fields(self, request, obj=None):
        # The id is the court platform's: typed once when the entry is added, shown read-only afterwards.
        return self.fields if obj is None else ["id_shown", "name", "peer", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["id_shown"] if obj else []

    @admin.display(description=_("法院标识"))
    def id_shown(self, obj):
        return obj.id

    def save_model(self, request, obj, form, change):
        if not change:
            obj.id = form.cleaned_data["court_id"]
        save_court_entry(request.user, obj, list(form.changed_data))

    def has_delete_permission(self, request, obj=None):
        # Roster proposals and delegations name the court: an entry is made inactive, never deleted.
        return False
