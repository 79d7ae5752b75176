from django.apps import AppConfig

# Imported as a module: a second AppConfig class in this namespace would confuse app discovery.
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class DsarConfig(AppConfig):
    name = "dsar"
    verbose_name = _("Data-subject requests")

    def ready(self):
        from . import signals  # noqa: F401
        from .api import admin as api_admin  # noqa: F401
        from .letters import admin as letters_admin  # noqa: F401
        from .recording import admin as recording_admin  # noqa: F401
        from .services import staff_security  # noqa: F401  (a new passkey is logged and mailed)
        from .services.sweep import receivers  # noqa: F401
        from .webhooks import admin as webhooks_admin  # noqa: F401


class DsarAdminConfig(admin_apps.AdminConfig):
    """The admin with our site class (second factor, queues) as `admin.site`, so every
    app's `@admin.register` lands on the one site served at /admin/."""

    default = False  # "dsar" in INSTALLED_APPS still means DsarConfig
    default_site = "dsar.admin_site.DsarAdminSite"
