from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import Operator


def home(request):
    operators = Operator.objects.filter(is_active=True)
    return render(request, "dsar/portal/home.html", {"operators": operators})


def ratelimited(request, exception=None):
    return render(request, "dsar/portal/ratelimited.html", {"message": _("Too many attempts. Please wait a few minutes and try again.")}, status=429)
