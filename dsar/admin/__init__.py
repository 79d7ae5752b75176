"""Staff triage in the Django admin. One module per capability; `site` is the admin site class."""

from . import events, operators, requests  # noqa: F401  (registers the ModelAdmins)
