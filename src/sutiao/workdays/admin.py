from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext

from sutiao.kernel.errors import DomainError
from sutiao.translation import refusal

from .forms import HolidayYearForm
from .models import DayOverride, HolidayYear
from .services import load_holiday_year


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """A year is loaded whole, from the State Council notice, through the service that also recomputes every
    provisional deadline; single days are not edited on their own."""

    list_display = ["year", "source", "loaded_at", "loaded_by"]
    change_list_template = "admin/workdays/holidayyear/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("load/", self.admin_site.admin_view(self.load_view), name="workdays_holidayyear_load"),
            *super().get_urls(),
        ]

    def load_view(self, request):
        if not request.user.has_perm("workdays.add_dayoverride"):
            messages.error(request, gettext("无权录入节假日安排"))
            return redirect("admin:index")
        form = HolidayYearForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                load_holiday_year(request.user, data["year"], data["source"], data["rest_days"], data["working_days"])
            except DomainError as e:
                form.add_error(None, refusal(e))
            else:
                messages.success(
                    request, gettext("%(year)s 年节假日安排已录入，暂定的期限已重新计算") % {"year": data["year"]}
                )
                return redirect("admin:workdays_holidayyear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext("录入年度节假日安排"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workdays/holidayyear/load.html", context)


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
