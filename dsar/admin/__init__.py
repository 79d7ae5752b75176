"""Staff triage in the Django admin. One module per capability; The site class is `dsar.admin_site`."""

from . import events, operators, requests, security  # noqa: F401  (registers the ModelAdmins)
