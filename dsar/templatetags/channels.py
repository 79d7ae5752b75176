"""The request page's view of channels: how identity was checked, and each data system's progress."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ASSURANCE = {
    "operator_account": _("signed in to the operator's app"),
    "in_person": _("identity checked in person"),
}


@register.filter
def assurance_label(value: str) -> str:
    return ASSURANCE.get(value, value)


@register.inclusion_tag("admin/dsar/datarequest/_systems.html")
def system_progress(request_obj):
    return {"jobs": list(request_obj.system_jobs.select_related("system").order_by("system__name"))}
