from django.contrib import admin

from .models import CalendarOverride, DataRequest, Event, Membership, Operator, Policy


class PolicyInline(admin.TabularInline):
    model = Policy
    extra = 0


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["short_name", "slug", "bin_iin", "reference_prefix", "is_active"]
    inlines = [PolicyInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "operator", "note"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "operator", "role"]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "state", "due_at", "assignee"]
    list_filter = ["operator", "kind", "state"]
    readonly_fields = ["state"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["operator", "seq", "action", "from_state", "to_state", "created_at"]
