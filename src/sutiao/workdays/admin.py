from django.contrib import admin

from .models import DayOverride, HolidayYear


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "loaded_at", "loaded_by"]

    def has_add_permission(self, request):
        return False  # loaded whole through `sutiao <platform> load_holidays`, which recomputes deadlines


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
