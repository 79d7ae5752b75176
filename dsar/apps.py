from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DsarConfig(AppConfig):
    name = "dsar"
    verbose_name = _("Data-subject requests")

    def import_models(self):
        super().import_models()

    def ready(self):
        from . import signals  # noqa: F401
        from .letters import admin as letters_admin, signals as letters_signals  # noqa: F401
