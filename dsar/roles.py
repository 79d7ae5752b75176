"""Roles are groups with permissions. Membership ties a user to the operators they work for."""

from django.contrib.auth.models import Group, Permission

# Letters and the access answer: everyone who works on requests reads letters and keeps the
# records of what is held about a subject; managers and the DPO edit the texts and the register.
_LETTERS = ["view_letter", "view_accessrecord", "add_accessrecord", "change_accessrecord",
            "view_lettertemplate", "view_processingactivity"]
_LETTER_EDITING = ["add_lettertemplate", "change_lettertemplate", "add_processingactivity", "change_processingactivity"]

ROLE_PERMISSIONS = {
    "caseworker": [
        "view_datarequest", "change_datarequest", "triage_datarequest", "decide_datarequest", "view_personal_data",
        "view_message", "add_message", "view_attachment", "add_attachment", "view_event", *_LETTERS,
    ],
    "manager": [
        "view_datarequest", "change_datarequest", "triage_datarequest", "decide_datarequest", "view_personal_data",
        "view_dashboard", "view_message", "add_message", "view_attachment", "add_attachment", "view_event",
        "view_policy", "change_policy", "view_operator", "view_membership", "view_calendaroverride",
        *_LETTERS, *_LETTER_EDITING,
    ],
    "dpo": [
        "view_datarequest", "change_datarequest", "triage_datarequest", "decide_datarequest", "view_personal_data",
        "view_dashboard", "view_message", "add_message", "view_attachment", "add_attachment", "view_event",
        "view_policy", "change_policy", "view_operator", "change_operator", "view_membership", "add_membership",
        "change_membership", "delete_membership", "view_calendaroverride", "add_calendaroverride",
        "change_calendaroverride", "delete_calendaroverride", *_LETTERS, *_LETTER_EDITING,
    ],
}


def ensure_role_groups() -> dict[str, Group]:
    groups = {}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = list(Permission.objects.filter(content_type__app_label="dsar", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Unknown permissions for role {role}: {sorted(missing)}")
        group.permissions.set(perms)
        groups[role] = group
    return groups
