"""The schema says, for each operation, the key scopes it needs and the role its creator needs,
read from the same view attributes the permission classes check (so they cannot drift apart)."""

from drf_spectacular.openapi import AutoSchema


class ScopedAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        method = self.method.upper()
        scopes = getattr(self.view, "required_scopes", {}).get(method, "")
        action = getattr(self.view, "required_permissions", {}).get(method, "")
        if scopes:
            operation["x-required-scopes"] = scopes.split("|")
            line = "Scope: " + " or ".join(f"`{s}`" for s in scopes.split("|")) + "."
            if action:
                line += f" The key's creator's current role must allow `{action}`."
            operation["description"] = (operation.get("description", "") + "\n\n" + line).strip()
        return operation
