from django import template

from .. import permissions
from ..admin.holdings import HoldingForm, shows_holdings
from ..models.letters import AccessRecord

register = template.Library()


@register.inclusion_tag("admin/dsar/datarequest/_holdings.html", takes_context=True)
def holdings_panel(context):
    obj = context["original"]
    if not shows_holdings(obj):
        return {"show": False}
    return {
        "show": True,
        "original": obj,
        "records": list(AccessRecord.objects.filter(request=obj).select_related("attachment")),
        "form": HoldingForm() if permissions.can(context["request"].user, "add_accessrecord", obj) else None,
        "personal_data_visible": context.get("personal_data_visible"),
        "csrf_token": context.get("csrf_token"),
    }
